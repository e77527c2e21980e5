// jbPipeline: a whole standard pipeline from a few arguments, for a one-line Jenkinsfile:
//   jbPipeline(language: 'python', job: 'shop/shop-api', image: true, deploy: ['staging'])
//
// The shape of the rendered Jenkinsfiles: no agent for the whole build. The build stages
// run on one agent of the language's label (one workspace, the build's timeout); Image
// and each Deploy run on a tools agent (docker CLI and jenkinsbridge) with what they need
// handed over by stash; an approval waits without any agent, under its own timeout, and
// is followed by a milestone so an older build can never deploy after a newer one.
import io.jenkinsbridge.StepArgs

def call(Map args = [:]) {
    String problem = StepArgs.check('jbPipeline', args, ['language'],
        ['spec', 'job', 'label', 'toolsLabel', 'stages', 'artifacts', 'image', 'credentialsId', 'ca', 'deploy',
         'deployFiles', 'tlsCredentialsId', 'approvalTimeoutMinutes', 'email', 'dingtalk', 'notifyWhen',
         'timeoutMinutes', 'coverage'])
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
    String toolsLabel = StepArgs.text(args, 'toolsLabel') ?: 'jenkinsbridge-tools'
    List stages = args.stages ?: defaults.stages
    String artifacts = StepArgs.text(args, 'artifacts') ?: defaults.artifacts
    List deploys = (args.deploy ?: []).collect { it instanceof Map ? it : [env: it.toString()] }
    List<String> deployFiles = [spec] + (args.deployFiles ?: []).collect { it.toString() }
    List<String> when = (args.notifyWhen ?: ['failure', 'fixed']).collect { it.toString() }
    int minutes = (args.timeoutMinutes ?: 60) as int
    int approvalMinutes = (args.approvalTimeoutMinutes ?: 1440) as int

    try {
        timeout(time: minutes, unit: 'MINUTES') {
            node(label) {
                stage('Checkout') {
                    checkout(scm)
                }
                // the environment the rendered Jenkinsfiles give their stages
                withEnv(['CI=true', StepArgs.envEntry('JB_LANGUAGE', language),
                         StepArgs.envEntry('JB_TOOL_VERSION', (defaults.version ?: '').toString())]) {
                    for (Map st : stages) {
                        _buildStage(st, args.coverage)
                    }
                }
                if (artifacts) {
                    archiveArtifacts(artifacts: artifacts, allowEmptyArchive: true, fingerprint: true)
                }
                if (args.image) {
                    // the workspace with .git (the image's tags); virtualenvs and node_modules
                    // are the build's, rebuilt inside the image
                    stash(name: 'jenkinsbridge-workspace', includes: '**', excludes: '.venv/**, **/node_modules/**',
                          useDefaultExcludes: false)
                }
                if (deploys) {
                    stash(name: 'jenkinsbridge-deploy', includes: deployFiles.join(', '), useDefaultExcludes: false)
                }
            }
        }
        String reference = null
        if (args.image) {
            stage('Image') {
                timeout(time: minutes, unit: 'MINUTES') {
                    node(toolsLabel) {
                        unstash('jenkinsbridge-workspace')
                        reference = jbImage(spec: spec, job: job, credentialsId: args.credentialsId, ca: args.ca)
                    }
                }
            }
        }
        for (int i = 0; i < deploys.size(); i++) {
            Map d = deploys[i]
            String approval = StepArgs.text(d, 'approval')
            if (approval) {
                stage('Approve ' + d.env) {
                    // no node: waiting for a person holds no executor and no container
                    timeout(time: (d.approvalTimeoutMinutes ?: approvalMinutes) as int, unit: 'MINUTES') {
                        input(message: 'Deploy ' + job + ' to ' + d.env + '?', ok: 'Deploy', submitter: approval)
                    }
                    milestone(ordinal: i * 2 + 1, label: 'approved ' + d.env)
                }
            }
            stage('Deploy ' + d.env) {
                timeout(time: minutes, unit: 'MINUTES') {
                    node(toolsLabel) {
                        milestone(ordinal: i * 2 + 2, label: 'deploy ' + d.env)
                        unstash('jenkinsbridge-deploy')
                        jbDeploy(spec: spec, job: job, env: d.env, image: d.image ?: reference,
                                 tlsCredentialsId: d.tlsCredentialsId ?: args.tlsCredentialsId,
                                 strategy: d.strategy)
                    }
                }
            }
        }
    } catch (Exception e) {
        currentBuild.result = (e instanceof InterruptedException) ? 'ABORTED' : 'FAILURE'
        throw e
    } finally {
        String status = _status(currentBuild)
        if ((args.email || args.dingtalk) && (when.contains(status) || when.contains('always') ||
                (status == 'fixed' && when.contains('success')))) {
            // notifications need no workspace: no node here either
            jbNotify(email: args.email, dingtalk: args.dingtalk, status: status)
        }
    }
}

// One build stage: its commands, then its JUnit reports. A stage that names reports but
// wrote none marks the build UNSTABLE with a message instead of showing 0 tests (junit
// fails when nothing matches; catchError turns that into UNSTABLE).
void _buildStage(Map st, def coverageThreshold) {
    stage(st.name) {
        try {
            // A stage's commands are code by definition (the spec's `run`).
            sh(label: st.name, script: st.run)
        } finally {
            if (st.junit) {
                catchError(buildResult: 'UNSTABLE', stageResult: 'UNSTABLE',
                           message: 'stage ' + st.name + ' wrote no test report matching ' + st.junit) {
                    junit(testResults: st.junit)
                }
            }
            // lint findings as issues (never as tests), any finding UNSTABLE; coverage with
            // the language's parser: the same steps, ids and gates as the rendered Jenkinsfiles
            if (st.issues) {
                recordIssues(tools: [_lintTool(st.issues as Map, st.name as String)], skipPublishingChecks: true,
                             qualityGates: [[threshold: 1, type: 'TOTAL', criticality: 'UNSTABLE']])
            }
            if (st.coverage) {
                Map cov = st.coverage as Map
                Map coverageArgs = [tools: [[parser: cov.parser, pattern: cov.pattern]], id: cov.id,
                                    name: 'Coverage: ' + st.name, skipPublishingChecks: true]
                if (coverageThreshold != null) {
                    coverageArgs.qualityGates = [[metric: 'LINE', baseline: 'PROJECT',
                                                  threshold: coverageThreshold as double, criticality: 'FAILURE']]
                }
                recordCoverage(coverageArgs)
            }
        }
    }
}

// The warnings-ng tool a stage's lint report is read with, by its @Symbol (warnings-ng
// plugin/src/main/java/io/jenkins/plugins/analysis/warnings/: Sarif, CheckStyle, EsLint,
// PhpStan, ClangTidy, GoVet, Java). Named calls, not a dynamic one, so each symbol is
// visible to the plugin check.
def _lintTool(Map issues, String stageName) {
    Map a = [id: issues.id, name: stageName]
    if (issues.pattern) {
        a.pattern = issues.pattern
    }
    switch (issues.tool) {
        case 'sarif': return sarif(a)
        case 'checkStyle': return checkStyle(a)
        case 'esLint': return esLint(a)
        case 'phpStan': return phpStan(a)
        case 'clangTidy': return clangTidy(a)
        case 'goVet': return goVet(a)
        case 'java': return java(a)
        default: error('jbPipeline: stage ' + stageName + ' names lint tool \'' + issues.tool + '\', which it does not know')
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
