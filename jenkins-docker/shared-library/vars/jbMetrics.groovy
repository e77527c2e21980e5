// jbMetrics: write the delivery metrics report (jenkinsbridge metrics) as build artifacts,
// OUTPUT/delivery-metrics.html and OUTPUT/delivery-metrics.json, e.g. from a nightly job.
import io.jenkinsbridge.Cli
import io.jenkinsbridge.StepArgs

def call(Map args = [:]) {
    String problem = StepArgs.check('jbMetrics', args, ['spec', 'credentialsId'],
                                    ['env', 'since', 'output', 'tlsCredentialsId'])
    String output = StepArgs.text(args, 'output') ?: 'metrics'
    if (!problem && !(output ==~ /[A-Za-z0-9_][A-Za-z0-9._\/-]*/ && !output.split('/').contains('..'))) {
        problem = "jbMetrics: output '${output}' must be a relative directory of letters, digits, '.', '_', '-', '/' " +
                  "(no '..'), e.g. output: 'reports/metrics'"
    }
    if (problem) {
        error(problem)
    }
    List<String> envs = [StepArgs.envEntry('JB_SPEC', StepArgs.text(args, 'spec')),
                         StepArgs.envEntry('JB_ENV', StepArgs.text(args, 'env') ?: 'production'),
                         StepArgs.envEntry('JB_SINCE', StepArgs.text(args, 'since') ?: '30d'),
                         StepArgs.envEntry('JB_OUT', output)]
    // JENKINS_URL is set by Jenkins in every build; the API token comes from the credentials
    withCredentials([usernamePassword(credentialsId: StepArgs.text(args, 'credentialsId'),
                                      usernameVariable: 'JENKINS_USER', passwordVariable: 'JENKINS_TOKEN')]) {
        Cli.run(this, 'jenkinsbridge metrics',
                'mkdir -p -- "$JB_OUT" && jenkinsbridge metrics "$JB_SPEC" --env "$JB_ENV" --since "$JB_SINCE" ' +
                '--json --html "$JB_OUT/delivery-metrics.html" > "$JB_OUT/delivery-metrics.json"',
                envs, StepArgs.text(args, 'tlsCredentialsId'))
    }
    archiveArtifacts(artifacts: "${output}/delivery-metrics.html,${output}/delivery-metrics.json",
                     allowEmptyArchive: false, fingerprint: false)
    return "${output}/delivery-metrics.html"
}
