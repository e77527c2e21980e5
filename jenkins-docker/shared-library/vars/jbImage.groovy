// jbImage: build the job's image and push it; returns the pushed reference repo@sha256:...
import io.jenkinsbridge.Cli
import io.jenkinsbridge.StepArgs

def call(Map args = [:]) {
    String problem = StepArgs.check('jbImage', args, ['spec', 'job'], ['credentialsId', 'ca'])
    if (problem) {
        error(problem)
    }
    return Cli.pushWithRegistry(this, 'jbImage', 'image', StepArgs.text(args, 'spec'), StepArgs.text(args, 'job'),
        StepArgs.text(args, 'credentialsId'), StepArgs.text(args, 'ca'), [
            ['jenkinsbridge image build', 'jenkinsbridge image build "$JB_SPEC" --job "$JB_JOB"'],
            ['jenkinsbridge image push',
             'mkdir -p .jenkinsbridge && jenkinsbridge image push "$JB_SPEC" --job "$JB_JOB" --digest-file "$JB_DIGEST_FILE"'],
        ])
}
