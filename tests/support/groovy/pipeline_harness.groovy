// Runs rendered Jenkinsfiles against a recording stub of the declarative DSL.
// Usage: groovy pipeline_harness.groovy FILE...
// Prints one line per file: JSON<TAB>path<TAB>{"tree": ..., "env": ...} or ERR<TAB>path<TAB>message.
// Every DSL call (pipeline, agent, stage, steps, parallel, sh, withEnv, ...) becomes a node
// {step, args, children}; a call used as an argument of another (logRotator inside
// buildDiscarder, usernamePassword inside withCredentials) is folded into that argument.
// Assignments inside `environment { }` become {step: '=', args: [name, value]} nodes.
import groovy.json.JsonOutput
import org.codehaus.groovy.control.CompilerConfiguration

class DslNode {
    String step
    List args = []
    List<DslNode> children = []
    Map toData() {
        [step: step, args: args.collect { DslScript.data(it) }, children: children.collect { it.toData() }]
    }
}

abstract class DslScript extends Script {
    DslNode root = new DslNode(step: 'ROOT')
    List<DslNode> stack = [root]

    static Object data(Object v) {
        if (v instanceof DslNode) { return v.toData() }
        if (v instanceof Map) { return v.collectEntries { k, x -> [(k.toString()): data(x)] } }
        if (v instanceof List || v instanceof Object[]) { return v.collect { data(it) } }
        if (v instanceof GString) { return v.toString() }
        if (v instanceof Closure) { return '<closure>' }
        return v
    }

    static void unlinkArgs(Object v, DslNode parent) {
        if (v instanceof DslNode) {
            parent.children.remove(v)
        } else if (v instanceof Map) {
            for (Object x : v.values()) { unlinkArgs(x, parent) }
        } else if (v instanceof List || v instanceof Object[]) {
            for (Object x : v) { unlinkArgs(x, parent) }
        }
    }

    def methodMissing(String name, Object rawArgs) {
        List args = (rawArgs as Object[]).toList()
        Closure body = (args && args[-1] instanceof Closure) ? (Closure) args.remove(args.size() - 1) : null
        DslNode parent = stack[-1]
        for (Object a : args) { unlinkArgs(a, parent) }
        DslNode node = new DslNode(step: name, args: args)
        parent.children << node
        if (body != null) {
            stack.push(node)
            try {
                body.resolveStrategy = Closure.DELEGATE_FIRST
                body.delegate = this
                body.call()
            } finally {
                stack.pop()
            }
        }
        if (name == 'readFile') { return 'registry.test/stub@sha256:' + '0' * 64 + '\n' }
        if (name == 'jbImage') { return 'registry.test/stub@sha256:' + '1' * 64 }
        return node
    }

    // `agent none` / `agent any`: the words declarative reads as agent types
    def propertyMissing(String name) {
        if (name in ['none', 'any']) { return name }
        throw new MissingPropertyException(name, this.class)
    }

    void setProperty(String name, Object value) {
        if (stack[-1].step == 'environment') {
            stack[-1].children << new DslNode(step: '=', args: [name, value])
        } else {
            super.setProperty(name, value)
        }
    }
}

int failures = 0
args.each { path ->
    try {
        String text = new File(path).getText('UTF-8')
        // `@Library('x') _` loads a shared library in Jenkins; record it as a call instead.
        text = text.replaceAll(/(?m)^@Library\((.*)\) _$/, 'library_annotation($1)')
        def config = new CompilerConfiguration()
        config.scriptBaseClass = DslScript.name
        def env = [BUILD_URL: 'http://jenkins.test/job/x/1/', BUILD_NUMBER: '1']
        def binding = new Binding([env: env, scm: 'SCM', currentBuild: [fullDisplayName: 'job #1'],
                                   params: [:]])
        def shell = new GroovyShell(this.class.classLoader, binding, config)
        DslScript script = (DslScript) shell.parse(text, 'Jenkinsfile')
        script.run()
        def out = [tree: script.root.toData(), env: DslScript.data(env)]
        println "JSON\t${path}\t${JsonOutput.toJson(out)}"
    } catch (Throwable e) {
        failures++
        if (System.getenv("JB_HARNESS_DEBUG")) { e.printStackTrace() }
        def msg = (e.toString() ?: e.class.name).readLines().join(' ')
        println "ERR\t${path}\t${msg}"
    }
}
System.out.flush()
