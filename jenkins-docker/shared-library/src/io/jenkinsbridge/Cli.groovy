package io.jenkinsbridge

/**
 * Runs one `jenkinsbridge` command line from a step.
 *
 * Values never enter the shell script: each one is put in the environment with withEnv
 * and the script, a constant single-quoted Groovy string, refers to it as "$NAME". The
 * shell expands a quoted variable into exactly one word and never re-reads its content,
 * so quotes, `$(...)`, backticks or newlines in a value stay data.
 */
class Cli implements Serializable {

    /**
     * @param script the calling step (``this`` in vars/*.groovy), which has the pipeline steps
     * @param label the label the sh step shows in the build log
     * @param command the constant shell text, e.g. 'jenkinsbridge deploy "$JB_SPEC" --env "$JB_ENV"'
     * @param env withEnv entries (NAME=value) the command refers to
     * @param tlsCredentialsId when set, a Docker client certificate bound as DOCKER_CERT_PATH
     *        with DOCKER_TLS_VERIFY=1 (docker-commons' dockerCert binding)
     */
    static void run(def script, String label, String command, List<String> env, String tlsCredentialsId) {
        script.withEnv(env) {
            if (tlsCredentialsId) {
                script.withCredentials([script.dockerCert(credentialsId: tlsCredentialsId, variable: 'DOCKER_CERT_PATH')]) {
                    script.withEnv(['DOCKER_TLS_VERIFY=1']) {
                        script.sh(label: label, script: command)
                    }
                }
            } else {
                script.sh(label: label, script: command)
            }
        }
    }

    /** The withEnv entries every command takes: the spec file and the job's full name. */
    static List<String> specEnv(String spec, String job) {
        return [StepArgs.envEntry('JB_SPEC', spec), StepArgs.envEntry('JB_JOB', job)]
    }
}
