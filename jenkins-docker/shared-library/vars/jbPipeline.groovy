// jbPipeline: a whole standard pipeline from a few arguments, for a one-line Jenkinsfile:
//   jbPipeline(language: 'python', job: 'shop/shop-api', image: true, deploy: ['staging'])
import io.jenkinsbridge.StepArgs

def call(Map args = [:]) {
    String problem = StepArgs.check('jbPipeline', args, ['language'],
        ['spec', 'job', 'label', 'stages', 'image', 'credentialsId', 'ca', 'deploy', 'tlsCredentialsId',
         'email', 'dingtalk', 'notifyWhen', 'timeoutMinutes'])
    if (problem) {
        error(problem)
    }
    String language = StepArgs.text(args, 'language')
    Map languages = readJSON(text: libraryResource('io/jenkinsbridge/languages.json'))
    Map defaults = languages[language]
    if (defaults == null) {
        error('jbPipeline: language \'' + language + '\' is not one of ' + languages.keySet().sort().join(', '))
    }
    String spec = StepArgs.text(args, 'spec') ?: 'jenkinsbridge.yaml'
    String job = StepArgs.text(args, 'job') ?: env.JOB_NAME
    String label = StepArgs.text(args, 'label') ?: defaults.label
    List stages = args.stages ?: defaults.stages
    List deploys = (args.deploy ?: []).collect { it instanceof Map ? it : [env: it.toString()] }
    List<String> when = (args.notifyWhen ?: ['failure', 'fixed']).collect { it.toString() }
    int minutes = (args.timeoutMinutes ?: 60) as int

    timeout(time: minutes, unit: 'MINUTES') {
        node(label) {
            try {
                stage('Checkout') {
                    checkout(scm)
                }
                for (Map st : stages) {
                    stage(st.name) {
                        try {
                            // A stage's commands are code by definition (the spec's `run`).
                            sh(label: st.name, script: st.run)
                        } finally {
                            if (st.junit) {
                                junit(allowEmptyResults: true, testResults: st.junit)
                            }
                        }
                    }
                }
                String reference = null
                if (args.image) {
                    stage('Image') {
                        reference = jbImage(spec: spec, job: job, credentialsId: args.credentialsId, ca: args.ca)
                    }
                }
                for (Map d : deploys) {
                    stage('Deploy ' + d.env) {
                        jbDeploy(spec: spec, job: job, env: d.env, image: d.image ?: reference,
                                 tlsCredentialsId: d.tlsCredentialsId ?: args.tlsCredentialsId,
                                 strategy: d.strategy)
                    }
                }
            } catch (Exception e) {
                currentBuild.result = (e instanceof InterruptedException) ? 'ABORTED' : 'FAILURE'
                throw e
            } finally {
                String status = _status(currentBuild)
                if ((args.email || args.dingtalk) && (when.contains(status) || when.contains('always') ||
                        (status == 'fixed' && when.contains('success')))) {
                    jbNotify(email: args.email, dingtalk: args.dingtalk, status: status)
                }
            }
        }
    }
}

// failure | fixed | success | unstable | aborted, from this build and the one before it.
String _status(def build) {
    String result = (build.result ?: build.currentResult ?: 'SUCCESS').toString()
    String previous = build.previousBuild?.result?.toString()
    if (result == 'SUCCESS') {
        return (previous != null && previous != 'SUCCESS') ? 'fixed' : 'success'
    }
    return result.toLowerCase()
}
