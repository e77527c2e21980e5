package io.jenkinsbridge

/**
 * Checks the named arguments a jenkinsbridge step receives.
 *
 * Returns one line that says what is wrong and what would be right, or null when the
 * arguments are fine; the step passes that line to the `error` step so the build fails
 * with a clear message instead of a Groovy stack trace.
 */
class StepArgs implements Serializable {

    static String check(String step, Map args, List<String> required, List<String> optional) {
        if (args == null) {
            return "${step}: give named arguments, e.g. ${step}(${required.collect { it + ': ...' }.join(', ')})"
        }
        List<String> known = required + optional
        List<String> unknown = args.keySet().collect { it.toString() }.findAll { !known.contains(it) }.sort()
        if (unknown) {
            return "${step}: unknown argument(s) ${unknown.join(', ')}; known: ${known.join(', ')}"
        }
        for (String key : required) {
            def value = args.get(key)
            if (value == null || value.toString().trim().isEmpty()) {
                return "${step}: argument '${key}' is required"
            }
        }
        return null
    }

    /** The value as text, or null when it is absent or blank. */
    static String text(Map args, String key) {
        def value = args?.get(key)
        if (value == null) {
            return null
        }
        String s = value.toString()
        return s.trim().isEmpty() ? null : s
    }

    /** A value that must be one of ``allowed`` (or absent): the problem line, or null. */
    static String oneOf(String step, Map args, String key, List<String> allowed) {
        String value = text(args, key)
        if (value != null && !allowed.contains(value)) {
            return "${step}: ${key} '${value}' is not one of ${allowed.join(', ')}"
        }
        return null
    }

    /** One withEnv entry. Concatenation in Groovy: the value never passes through a shell. */
    static String envEntry(String name, String value) {
        return name + '=' + value
    }
}
