// jbArtifacts: push the job's build outputs (the spec's `artifacts` patterns) to its
// registry as an OCI artifact; returns the pushed reference repo@sha256:...
import io.jenkinsbridge.Cli
import io.jenkinsbridge.StepArgs

def call(Map args = [:]) {
    String problem = StepArgs.check('jbArtifacts', args, ['spec', 'job'], ['credentialsId', 'ca'])
    if (problem) {
        error(problem)
    }
    String credentialsId = StepArgs.text(args, 'credentialsId')
    String ca = StepArgs.text(args, 'ca')
    String digestFile = '.jenkinsbridge/artifacts-' + UUID.randomUUID().toString() + '.digest'

    List<String> envs = Cli.specEnv(StepArgs.text(args, 'spec'), StepArgs.text(args, 'job'))
    envs << StepArgs.envEntry('JB_DIGEST_FILE', digestFile)
    if (ca) {
        envs << StepArgs.envEntry('JB_REGISTRY_CA', ca)
    }
    String reference = null
    withEnv(envs) {
        String pushScript = 'mkdir -p .jenkinsbridge && jenkinsbridge artifacts push "$JB_SPEC" --job "$JB_JOB" --digest-file "$JB_DIGEST_FILE"'
        if (credentialsId) {
            withCredentials([usernamePassword(credentialsId: credentialsId,
                                              usernameVariable: 'JB_REGISTRY_USERNAME',
                                              passwordVariable: 'JB_REGISTRY_PASSWORD')]) {
                sh(label: 'jenkinsbridge artifacts push', script: pushScript)
            }
        } else {
            sh(label: 'jenkinsbridge artifacts push', script: pushScript)
        }
        reference = readFile(file: digestFile, encoding: 'UTF-8').trim()
        sh(label: 'jenkinsbridge artifacts: clean up', script: 'rm -f "$JB_DIGEST_FILE"')
    }
    if (!(reference ==~ /[^\s@]+@sha256:[0-9a-f]{64}/)) {
        error('jbArtifacts: the push wrote no repository@sha256:<digest> reference to ' + digestFile)
    }
    return reference
}
