// jbRollback: switch back to the previous version (jenkinsbridge deploy rollback).
import io.jenkinsbridge.Cli
import io.jenkinsbridge.StepArgs

def call(Map args = [:]) {
    String problem = StepArgs.check('jbRollback', args, ['spec', 'job', 'env'], ['tlsCredentialsId'])
    if (problem) {
        error(problem)
    }
    List<String> envs = Cli.specEnv(StepArgs.text(args, 'spec'), StepArgs.text(args, 'job'))
    envs << StepArgs.envEntry('JB_ENV', StepArgs.text(args, 'env'))
    Cli.run(this, 'jenkinsbridge deploy rollback',
            'jenkinsbridge deploy rollback "$JB_SPEC" --job "$JB_JOB" --env "$JB_ENV"',
            envs, StepArgs.text(args, 'tlsCredentialsId'))
}
