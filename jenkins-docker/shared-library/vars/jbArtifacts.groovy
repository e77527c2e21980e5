// jbArtifacts: push the job's build outputs (the spec's `artifacts` patterns) to its
// registry as an OCI artifact; returns the pushed reference repo@sha256:...
import io.jenkinsbridge.Cli
import io.jenkinsbridge.StepArgs

def call(Map args = [:]) {
    String problem = StepArgs.check('jbArtifacts', args, ['spec', 'job'], ['credentialsId', 'ca'])
    if (problem) {
        error(problem)
    }
    return Cli.pushWithRegistry(this, 'jbArtifacts', 'artifacts', StepArgs.text(args, 'spec'),
        StepArgs.text(args, 'job'), StepArgs.text(args, 'credentialsId'), StepArgs.text(args, 'ca'), [
            ['jenkinsbridge artifacts push',
             'mkdir -p .jenkinsbridge && jenkinsbridge artifacts push "$JB_SPEC" --job "$JB_JOB" --digest-file "$JB_DIGEST_FILE"'],
        ])
}
