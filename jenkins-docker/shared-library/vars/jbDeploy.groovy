// jbDeploy: roll an image out to one environment of the job (jenkinsbridge deploy).
import io.jenkinsbridge.Cli
import io.jenkinsbridge.StepArgs

def call(Map args = [:]) {
    String problem = StepArgs.check('jbDeploy', args, ['spec', 'job', 'env'],
                                    ['image', 'tlsCredentialsId', 'strategy']) ?:
                     StepArgs.oneOf('jbDeploy', args, 'strategy', ['standard', 'rolling', 'blue-green'])
    if (problem) {
        error(problem)
    }
    List<String> envs = Cli.specEnv(StepArgs.text(args, 'spec'), StepArgs.text(args, 'job'))
    envs << StepArgs.envEntry('JB_ENV', StepArgs.text(args, 'env'))
    String command = 'jenkinsbridge deploy "$JB_SPEC" --job "$JB_JOB" --env "$JB_ENV"'
    command = Cli.option(envs, command, '--image', 'JB_IMAGE', StepArgs.text(args, 'image'))
    command = Cli.option(envs, command, '--strategy', 'JB_STRATEGY', StepArgs.text(args, 'strategy'))
    Cli.run(this, 'jenkinsbridge deploy', command, envs, StepArgs.text(args, 'tlsCredentialsId'))
}
