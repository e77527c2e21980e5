// jbNotify: tell people how a build went, by mail and/or DingTalk.
import groovy.json.JsonOutput
import io.jenkinsbridge.StepArgs

def call(Map args = [:]) {
    List<String> statuses = ['success', 'failure', 'fixed', 'unstable', 'aborted', 'always', 'changed',
                             'regression']
    String problem = StepArgs.check('jbNotify', args, [], ['email', 'dingtalk', 'status']) ?:
                     StepArgs.oneOf('jbNotify', args, 'status', statuses)
    if (problem) {
        error(problem)
    }
    String status = StepArgs.text(args, 'status') ?: (currentBuild.currentResult ?: 'SUCCESS').toString().toLowerCase()
    List<String> recipients = []
    def email = args.email
    if (email instanceof CharSequence) {
        recipients = email.toString().split(',').collect { it.trim() }.findAll { it }
    } else if (email) {
        recipients = email.collect { it.toString().trim() }.findAll { it }
    }
    String title = 'jenkinsbridge: ' + env.JOB_NAME + ' #' + env.BUILD_NUMBER + ' ' + status
    String text = title + '\n' + (env.BUILD_URL ?: '')

    if (recipients) {
        mail(to: recipients.join(', '), subject: title, body: text)
    }
    String dingtalk = StepArgs.text(args, 'dingtalk')
    if (dingtalk) {
        String body = JsonOutput.toJson([msgtype: 'text', text: [content: text]])
        withCredentials([string(credentialsId: dingtalk, variable: 'JB_DINGTALK_WEBHOOK')]) {
            try {
                // The webhook URL is read inside the binding and never printed (quiet).
                httpRequest(url: env.JB_DINGTALK_WEBHOOK, httpMode: 'POST', contentType: 'APPLICATION_JSON_UTF8',
                            requestBody: body, validResponseCodes: '200:299', timeout: 10, quiet: true,
                            consoleLogResponseBody: false)
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    throw e  // an aborted build stays aborted
                }
                // A notification that fails must not change the build's result.
                echo('jbNotify: the DingTalk notification failed: ' + e.getClass().getSimpleName())
            }
        }
    }
}
