// Compiles each file given as argument through class generation (where the JVM's limits,
// such as 65,535 bytes per string constant, apply) and prints OK<TAB>path or
// ERR<TAB>path<TAB>message.
import org.codehaus.groovy.control.CompilationUnit
import org.codehaus.groovy.control.Phases

args.each { path ->
    def unit = new CompilationUnit()
    unit.addSource(new File(path))
    try {
        unit.compile(Phases.CLASS_GENERATION)
        println "OK\t${path}"
    } catch (Throwable e) {
        println "ERR\t${path}\t${(e.message ?: e.toString()).readLines().find { it.trim() }}"
    }
}
