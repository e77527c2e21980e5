// jbRollback: go back to an earlier release (jenkinsbridge deploy rollback).
import io.jenkinsbridge.Cli
import io.jenkinsbridge.StepArgs

def call(Map args = [:]) {
    String problem = StepArgs.check('jbRollback', args, ['spec', 'job', 'env'], ['tlsCredentialsId', 'to', 'reason'])
    if (problem) {
        error(problem)
    }
    List<String> envs = Cli.specEnv(StepArgs.text(args, 'spec'), StepArgs.text(args, 'job'))
    envs << StepArgs.envEntry('JB_ENV', StepArgs.text(args, 'env'))
    String command = 'jenkinsbridge deploy rollback "$JB_SPEC" --job "$JB_JOB" --env "$JB_ENV"'
    command = Cli.option(envs, command, '--to', 'JB_ROLLBACK_TO', StepArgs.text(args, 'to'))
    command = Cli.option(envs, command, '--reason', 'JB_ROLLBACK_REASON', StepArgs.text(args, 'reason'))
    Cli.run(this, 'jenkinsbridge deploy rollback', command, envs, StepArgs.text(args, 'tlsCredentialsId'))
}
