// Runs jenkinsbridge shared-library steps (vars/*.groovy) against stubs of the pipeline
// steps they use, and prints what they did as JSON.
//
//   groovy library_harness.groovy LIBRARY_DIR SCENARIOS.json
//
// SCENARIOS.json is a list of {"step": name, "args": {...}, "env": {...}, "readFile": text,
// "shExit": {label: code}, "httpFails": bool, "currentBuild": {...}, "junitEmpty": [glob]}.
// The output is one JSON list, one entry per scenario: {"events": [...], "result": value,
// "error": message}. Each `sh` event carries the script text and the whole environment it
// would run with (base env + withEnv + withCredentials bindings, innermost last), so a test
// can run the script in a real shell. `sh`, `input`, `milestone`, `stash`, `unstash` and
// `junit` events say on which node label they ran (null: none) and under which timeout
// (the innermost, in minutes).
//
// junit fails when no report matches (a glob listed in "junitEmpty"), as junit-plugin's
// JUnitResultArchiver does without allowEmptyResults ("No test report files were found.
// Configuration error?"); catchError catches a failure of its body, sets the build result
// to its buildResult when that is worse, and the build goes on (workflow-basic-steps
// CatchErrorStep).
import groovy.json.JsonOutput
import groovy.json.JsonSlurper

class StepFailed extends RuntimeException {
    StepFailed(String message) { super(message) }
}

class EnvView extends GroovyObjectSupport {
    List<Map<String, String>> layers
    EnvView(List<Map<String, String>> layers) { this.layers = layers }
    Map<String, String> merged() {
        Map<String, String> out = [:]
        layers.each { out.putAll(it) }
        return out
    }
    Object getProperty(String name) { return merged().get(name) }
    void setProperty(String name, Object value) { layers[0].put(name, value?.toString()) }
}

File libDir = new File(args[0])
List scenarios = new JsonSlurper().parse(new File(args[1])) as List

GroovyClassLoader loader = new GroovyClassLoader(this.class.classLoader)
loader.addClasspath(new File(libDir, 'src').absolutePath)

List results = []
for (Map scenario : scenarios) {
    List events = []
    List<Map<String, String>> layers = [new LinkedHashMap<String, String>((scenario.env ?: [:]) as Map)]
    EnvView envView = new EnvView(layers)
    Binding binding = new Binding()
    Map<String, Script> scripts = [:]
    Closure withLayer = { Map<String, String> layer, Closure body ->
        layers.add(layer)
        try { return body.call() } finally { layers.remove(layers.size() - 1) }
    }
    List<String> nodeStack = []
    List<Integer> timeoutStack = []
    Closure where = { -> [node: nodeStack ? nodeStack[-1] : null, timeout: timeoutStack ? timeoutStack[-1] : null] }
    Map currentBuild = [result: null, currentResult: 'SUCCESS', previousBuild: null] + ((scenario.currentBuild ?: [:]) as Map)

    binding.setVariable('env', envView)
    binding.setVariable('scm', [type: 'scm'])
    binding.setVariable('currentBuild', currentBuild)
    binding.setVariable('error', { String message ->
        events << [type: 'error', message: message]
        throw new StepFailed(message)
    })
    binding.setVariable('echo', { String message -> events << [type: 'echo', message: message] })
    binding.setVariable('sh', { Map a ->
        events << [type: 'sh', label: a.label, script: a.script, env: envView.merged()] + where()
        Integer code = (scenario.shExit ?: [:])[a.label] as Integer
        if (code) {
            throw new StepFailed("script returned exit code ${code}")
        }
        return null
    })
    binding.setVariable('withEnv', { List entries, Closure body ->
        Map<String, String> layer = [:]
        entries.each { String e ->
            int i = e.indexOf('=')
            layer.put(e.substring(0, i), e.substring(i + 1))
        }
        events << [type: 'withEnv', entries: entries.collect { it.toString() }]
        return withLayer(layer, body)
    })
    binding.setVariable('usernamePassword', { Map a -> [kind: 'usernamePassword'] + a })
    binding.setVariable('dockerCert', { Map a -> [kind: 'dockerCert'] + a })
    binding.setVariable('string', { Map a -> [kind: 'string'] + a })
    binding.setVariable('withCredentials', { List bindings, Closure body ->
        Map<String, String> layer = [:]
        bindings.each { Map b ->
            if (b.kind == 'usernamePassword') {
                layer.put(b.usernameVariable, 'user-of-' + b.credentialsId)
                layer.put(b.passwordVariable, 'password-of-' + b.credentialsId)
            } else if (b.kind == 'dockerCert') {
                layer.put(b.variable, '/tmp/certs-of-' + b.credentialsId)
            } else if (b.kind == 'string') {
                layer.put(b.variable, 'https://hooks.invalid/secret-of-' + b.credentialsId)
            }
        }
        events << [type: 'withCredentials', bindings: bindings]
        return withLayer(layer, body)
    })
    binding.setVariable('readFile', { Map a ->
        events << [type: 'readFile', file: a.file]
        return scenario.readFile ?: ''
    })
    binding.setVariable('writeFile', { Map a -> events << [type: 'writeFile', file: a.file, text: a.text] })
    binding.setVariable('mail', { Map a -> events << ([type: 'mail'] + a) })
    binding.setVariable('httpRequest', { Map a ->
        events << ([type: 'httpRequest'] + a)
        if (scenario.httpFails) {
            throw new IOException('connection refused')
        }
        return [status: 200, content: '{"errcode":0}']
    })
    binding.setVariable('libraryResource', { String path -> new File(libDir, 'resources/' + path).getText('UTF-8') })
    binding.setVariable('readJSON', { Map a -> new JsonSlurper().parseText(a.text) })
    binding.setVariable('timeout', { Map a, Closure body ->
        events << ([type: 'timeout'] + a)
        timeoutStack.add(a.time as Integer)
        try { return body.call() } finally { timeoutStack.remove(timeoutStack.size() - 1) }
    })
    binding.setVariable('node', { String label, Closure body ->
        events << [type: 'node', label: label]
        nodeStack.add(label)
        try { return body.call() } finally { nodeStack.remove(nodeStack.size() - 1) }
    })
    binding.setVariable('input', { Map a -> events << ([type: 'input'] + a + where()) })
    binding.setVariable('milestone', { Map a -> events << ([type: 'milestone'] + a + where()) })
    binding.setVariable('stash', { Map a -> events << ([type: 'stash'] + a + where()) })
    binding.setVariable('unstash', { String name -> events << ([type: 'unstash', name: name] + where()) })
    binding.setVariable('catchError', { Map a, Closure body ->
        try {
            return body.call()
        } catch (StepFailed e) {
            events << ([type: 'catchError', caught: e.message] + a)
            List<String> order = ['SUCCESS', 'UNSTABLE', 'FAILURE', 'NOT_BUILT', 'ABORTED']
            String now = (currentBuild.result ?: 'SUCCESS') as String
            if (order.indexOf(a.buildResult ?: 'FAILURE') > order.indexOf(now)) {
                currentBuild.result = a.buildResult ?: 'FAILURE'
            }
            return null
        }
    })
    binding.setVariable('stage', { String name, Closure body ->
        events << [type: 'stage', name: name]
        return body.call()
    })
    binding.setVariable('checkout', { def s -> events << [type: 'checkout'] })
    binding.setVariable('junit', { Map a ->
        events << ([type: 'junit'] + a + where())
        if (!a.allowEmptyResults && (scenario.junitEmpty ?: []).contains(a.testResults)) {
            throw new StepFailed('No test report files were found. Configuration error?')
        }
    })
    binding.setVariable('archiveArtifacts', { Map a -> events << ([type: 'archiveArtifacts'] + a) })
    // warnings-ng and coverage: the publishing steps record where they ran; a lint tool
    // symbol is a descriptor map as the real symbols yield a Tool instance
    binding.setVariable('recordIssues', { Map a -> events << ([type: 'recordIssues'] + a + where()) })
    binding.setVariable('recordCoverage', { Map a -> events << ([type: 'recordCoverage'] + a + where()) })
    ['sarif', 'checkStyle', 'esLint', 'phpStan', 'clangTidy', 'goVet', 'java'].each { String tool ->
        binding.setVariable(tool, { Map a -> [tool: tool] + a })
    }

    Closure runStep
    runStep = { String name, Map stepArgs ->
        Script script = scripts[name]
        if (script == null) {
            GroovyShell shell = new GroovyShell(loader, binding)
            script = shell.parse(new File(libDir, "vars/${name}.groovy"))
            scripts[name] = script
        }
        events << [type: 'call', step: name]
        return script.invokeMethod('call', [stepArgs] as Object[])
    }
    new File(libDir, 'vars').listFiles().findAll { it.name.endsWith('.groovy') }.each { File f ->
        String name = f.name - '.groovy'
        binding.setVariable(name, { Map a -> runStep(name, a) })
    }

    Map outcome = [events: events, result: null, error: null]
    try {
        outcome.result = runStep(scenario.step as String, (scenario.args ?: [:]) as Map)
    } catch (StepFailed e) {
        outcome.error = e.message
    }
    outcome.currentBuild = [result: currentBuild.result]
    results << outcome
}
println JsonOutput.toJson(results)
