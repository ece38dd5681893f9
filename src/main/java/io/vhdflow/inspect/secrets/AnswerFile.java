package io.vhdflow.inspect.secrets;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The passwords in a Windows answer file, found without keeping them: an unattend file
 * ({@code unattend.xml}, {@code autounattend.xml}, {@code sysprep.xml}: any element whose name ends
 * in {@code Password}, with a {@code Value} and a {@code PlainText} child, or with the password as
 * its text, as {@code UnattendedJoin}'s {@code Credentials/Password} has it), or a legacy
 * {@code sysprep.inf} ({@code AdminPassword=}, {@code DomainAdminPassword=}). With
 * {@code PlainText false} the value is base64 of the UTF-16LE password followed by the element's
 * name: an encoding, not encryption. The XML is read without DTDs or external entities.
 */
final class AnswerFile {
    private static final Pattern INF_PASSWORD = Pattern.compile(
            "^\\s*((?:Domain)?AdminPassword|Password)\\s*=\\s*\"?([^\"]*?)\"?\\s*$", Pattern.CASE_INSENSITIVE);

    private AnswerFile() {
    }

    /** The password findings of one answer file. */
    static List<SecretFinding> passwords(String path, byte[] content) {
        String lower = path.toLowerCase(Locale.ROOT);
        return lower.endsWith(".inf") ? inf(path, ScannedFile.decode(content)) : xml(path, content);
    }

    private static List<SecretFinding> inf(String path, String text) {
        List<SecretFinding> out = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        String section = "";
        for (int i = 0; i < lines.length && i < 100_000; i++) {
            String l = lines[i].strip();
            if (l.startsWith("[") && l.endsWith("]")) {
                section = l;
                continue;
            }
            Matcher m = INF_PASSWORD.matcher(l.length() > 4096 ? l.substring(0, 4096) : l);
            if (m.find() && !m.group(2).isEmpty() && !m.group(2).equals("*")) {
                out.add(SecretFinding.of(WindowsSecretRules.SYSPREP_INF, SecretFamily.WINDOWS_PASSWORD, path, i + 1,
                        section + " " + m.group(1) + " with a value", m.group(2)));
            }
        }
        return out;
    }

    /** One open element whose name ends in "Password". */
    private static final class Open {
        final String name;
        final String parent;
        final int line;
        final StringBuilder text = new StringBuilder();
        String value;
        String plainText;

        Open(String name, String parent, int line) {
            this.name = name;
            this.parent = parent;
            this.line = line;
        }
    }

    private static List<SecretFinding> xml(String path, byte[] content) {
        List<SecretFinding> out = new ArrayList<>();
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        Deque<String> stack = new ArrayDeque<>();
        Deque<Open> open = new ArrayDeque<>();
        StringBuilder leaf = new StringBuilder();
        try {
            XMLStreamReader r = f.createXMLStreamReader(new ByteArrayInputStream(content));
            while (r.hasNext()) {
                int e = r.next();
                if (e == XMLStreamConstants.START_ELEMENT) {
                    String name = r.getLocalName();
                    if (stack.size() > 256) {
                        break;
                    }
                    if (name.endsWith("Password")) {
                        open.push(new Open(name, stack.isEmpty() ? "" : stack.peek(), r.getLocation().getLineNumber()));
                    }
                    stack.push(name);
                    leaf.setLength(0);
                } else if (e == XMLStreamConstants.CHARACTERS || e == XMLStreamConstants.CDATA) {
                    if (leaf.length() < 65536) {
                        leaf.append(r.getText());
                    }
                } else if (e == XMLStreamConstants.END_ELEMENT) {
                    String name = stack.isEmpty() ? "" : stack.pop();
                    Open o = open.peek();
                    if (o != null) {
                        if (name.equals("Value") && stack.peek() != null && stack.peek().equals(o.name)) {
                            o.value = leaf.toString();
                        } else if (name.equals("PlainText") && stack.peek() != null && stack.peek().equals(o.name)) {
                            o.plainText = leaf.toString().strip();
                        } else if (name.equals(o.name)) {
                            if (o.value == null && leaf.length() > 0) {
                                o.text.append(leaf);
                            }
                            open.pop();
                            report(path, o, out);
                        }
                    }
                    leaf.setLength(0);
                }
            }
        } catch (XMLStreamException | RuntimeException e) {
            // A damaged answer file is still an answer file: what was read so far stands, and the
            // presence of the file is W5's finding.
        }
        return out;
    }

    private static void report(String path, Open o, List<SecretFinding> out) {
        String value = o.value != null ? o.value : o.text.toString().strip();
        if (value.isEmpty()) {
            return;
        }
        String where = (o.parent.isEmpty() ? "" : o.parent + "/") + o.name;
        boolean base64 = "false".equalsIgnoreCase(o.plainText);
        if (!base64) {
            out.add(SecretFinding.of(WindowsSecretRules.UNATTEND_PLAIN, SecretFamily.WINDOWS_PASSWORD, path, o.line,
                    where + (o.value != null ? " Value" : "") + " in plain text", value));
            return;
        }
        String decoded = "";
        try {
            decoded = new String(Base64.getDecoder().decode(value.strip()), StandardCharsets.UTF_16LE);
        } catch (IllegalArgumentException e) {
            // Not base64: reported all the same, as the stored value.
        }
        String suffix = o.name;
        String note = decoded.endsWith(suffix)
                ? "base64 of a " + (decoded.length() - suffix.length()) + "-character password + '" + suffix
                + "' (an encoding, not encryption)"
                : "PlainText false, not decodable as Windows SIM writes it";
        out.add(SecretFinding.of(WindowsSecretRules.UNATTEND_BASE64, SecretFamily.WINDOWS_PASSWORD, path, o.line,
                where + " Value, " + note, value));
    }
}
