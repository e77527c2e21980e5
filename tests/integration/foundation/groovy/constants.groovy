// Prints every string constant of each Groovy file given, as UTF-16 hex, one per line:
// <file index>:<hex>. The pipeline is parsed (CONVERSION phase), never run.
import org.codehaus.groovy.ast.builder.AstBuilder
import org.codehaus.groovy.ast.CodeVisitorSupport
import org.codehaus.groovy.ast.expr.ConstantExpression
import org.codehaus.groovy.ast.stmt.BlockStatement
import org.codehaus.groovy.control.CompilePhase

args.eachWithIndex { path, i ->
    def nodes = new AstBuilder().buildFromString(CompilePhase.CONVERSION, false, new File(path).getText('UTF-8'))
    def visitor = new CodeVisitorSupport() {
        void visitConstantExpression(ConstantExpression e) {
            if (e.value instanceof String) {
                println i + ':' + e.value.toCharArray().collect { String.format('%04x', (int) it) }.join('')
            }
        }
    }
    nodes.each { if (it instanceof BlockStatement) it.visit(visitor) }
}
