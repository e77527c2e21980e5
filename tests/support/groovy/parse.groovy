// Parses each file given as argument (syntax and AST conversion, no class resolution)
// and prints one line per file: OK<TAB>path, or ERR<TAB>path<TAB>line<TAB>col<TAB>message.
import org.codehaus.groovy.control.CompilationUnit
import org.codehaus.groovy.control.MultipleCompilationErrorsException
import org.codehaus.groovy.control.Phases
import org.codehaus.groovy.control.messages.SyntaxErrorMessage

// With --classes first, compiles through class generation, where the JVM's limits (such
// as 65,535 bytes per string constant) apply.
def files = args as List
def phase = Phases.CONVERSION
if (files && files[0] == '--classes') {
    phase = Phases.CLASS_GENERATION
    files = files.drop(1)
}

files.each { path ->
    def unit = new CompilationUnit()
    unit.addSource(new File(path))
    try {
        unit.compile(phase)
        println "OK\t${path}"
    } catch (MultipleCompilationErrorsException e) {
        e.errorCollector.errors.each { err ->
            if (err instanceof SyntaxErrorMessage) {
                def c = err.cause
                def msg = (c.message ?: '').readLines().find { it.trim() } ?: 'syntax error'
                println "ERR\t${path}\t${c.line}\t${c.startColumn}\t${msg}"
            } else {
                println "ERR\t${path}\t0\t0\t${err.toString().readLines()[0]}"
            }
        }
    }
}
