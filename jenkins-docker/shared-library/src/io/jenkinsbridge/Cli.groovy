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

    /**
     * An optional option of a command: when ``value`` is set, it goes into ``env`` as
     * ``variable`` and the option refers to it ("$VARIABLE"); otherwise nothing changes.
     *
     * @return the command, with ``option "$VARIABLE"`` appended when the value is set
     */
    static String option(List<String> env, String command, String option, String variable, String value) {
        if (!value) {
            return command
        }
        env << StepArgs.envEntry(variable, value)
        return command + ' ' + option + ' "$' + variable + '"'
    }

    /**
     * Runs the registry commands of a push step (jbImage, jbArtifacts) with the step's
     * registry credentials bound as JB_REGISTRY_USERNAME/JB_REGISTRY_PASSWORD (only around
     * the commands) and its CA as JB_REGISTRY_CA, then reads the reference the last command
     * wrote to "$JB_DIGEST_FILE" (a fresh file under .jenkinsbridge/, removed afterwards).
     *
     * @param step the step's name, for the error line
     * @param kind what is pushed ('image', 'artifacts'): the digest file's name
     * @param commands [label, constant shell text] pairs, run in order
     * @return the pushed repository@sha256:<digest>
     */
    static String pushWithRegistry(def script, String step, String kind, String spec, String job,
                                   String credentialsId, String ca, List<List<String>> commands) {
        String digestFile = '.jenkinsbridge/' + kind + '-' + UUID.randomUUID().toString() + '.digest'
        List<String> env = specEnv(spec, job)
        env << StepArgs.envEntry('JB_DIGEST_FILE', digestFile)
        if (ca) {
            env << StepArgs.envEntry('JB_REGISTRY_CA', ca)
        }
        String reference = null
        script.withEnv(env) {
            Closure commandsRun = {
                for (List<String> c : commands) {
                    script.sh(label: c[0], script: c[1])
                }
            }
            if (credentialsId) {
                script.withCredentials([script.usernamePassword(credentialsId: credentialsId,
                                                                usernameVariable: 'JB_REGISTRY_USERNAME',
                                                                passwordVariable: 'JB_REGISTRY_PASSWORD')]) {
                    commandsRun()
                }
            } else {
                commandsRun()
            }
            reference = script.readFile(file: digestFile, encoding: 'UTF-8').trim()
            script.sh(label: 'jenkinsbridge ' + kind + ': clean up', script: 'rm -f "$JB_DIGEST_FILE"')
        }
        if (!(reference ==~ /[^\s@]+@sha256:[0-9a-f]{64}/)) {
            script.error(step + ': the push wrote no repository@sha256:<digest> reference to ' + digestFile)
        }
        return reference
    }
}
