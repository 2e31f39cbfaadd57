/// Text from pages and servers made safe to print on a terminal: C0 and C1 control characters
/// (ESC sequences can rewrite the screen, set the window title, or worse) are shown as `\u{…}`
/// escapes instead of being sent. Tabs stay; line breaks become spaces.
public enum TerminalText {
    public static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\r" {
                out.append(" ")
            } else if isControl(scalar) && scalar != "\t" {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// C0 (U+0000–U+001F), DEL and C1 (U+0080–U+009F).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
