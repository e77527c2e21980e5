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
    String image = StepArgs.text(args, 'image')
    if (image) {
        envs << StepArgs.envEntry('JB_IMAGE', image)
        command += ' --image "$JB_IMAGE"'
    }
    String strategy = StepArgs.text(args, 'strategy')
    if (strategy) {
        envs << StepArgs.envEntry('JB_STRATEGY', strategy)
        command += ' --strategy "$JB_STRATEGY"'
    }
    Cli.run(this, 'jenkinsbridge deploy', command, envs, StepArgs.text(args, 'tlsCredentialsId'))
}
