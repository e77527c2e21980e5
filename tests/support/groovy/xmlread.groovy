// Reads each config.xml given as argument with the JDK's XML parser (the one Jenkins'
// XStream reads with) and prints path<TAB>hex of the UTF-8 bytes of its <description>
// text, or ERR<TAB>path<TAB>message when the parser refuses the file.
import javax.xml.parsers.DocumentBuilderFactory

args.each { path ->
    try {
        def doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new File(path))
        def nodes = doc.documentElement.getElementsByTagName('description')
        def text = nodes.length ? nodes.item(0).textContent : ''
        println "OK\t${path}\t${text.getBytes('UTF-8').encodeHex()}"
    } catch (Exception e) {
        println "ERR\t${path}\t${e.message}"
    }
}
