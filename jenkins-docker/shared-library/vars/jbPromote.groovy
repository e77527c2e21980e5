// jbPromote: move all traffic to the new color of a blue-green deploy (jenkinsbridge deploy promote).
import io.jenkinsbridge.Cli
import io.jenkinsbridge.StepArgs

def call(Map args = [:]) {
    String problem = StepArgs.check('jbPromote', args, ['spec', 'job', 'env'], ['tlsCredentialsId'])
    if (problem) {
        error(problem)
    }
    List<String> envs = Cli.specEnv(StepArgs.text(args, 'spec'), StepArgs.text(args, 'job'))
    envs << StepArgs.envEntry('JB_ENV', StepArgs.text(args, 'env'))
    Cli.run(this, 'jenkinsbridge deploy promote',
            'jenkinsbridge deploy promote "$JB_SPEC" --job "$JB_JOB" --env "$JB_ENV"',
            envs, StepArgs.text(args, 'tlsCredentialsId'))
}
