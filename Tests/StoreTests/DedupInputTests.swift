import Foundation
import Testing
@testable import Store

@Suite("store dedup input lines")
struct DedupInputTests {
    func read(_ line: String) throws -> DedupInput { try DedupInput(Data(line.utf8)) }

    func failure(_ line: String) -> String {
        do {
            _ = try read(line)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test("escapes, Unicode escapes and surrogate pairs are unescaped; other members are skipped")
    func escapes() throws {
        let input = try read(#"{"title": {"nested": [1, 2.5e3, true, null, "x\"y"]}, "id": "a\"1", "text": "L\u00e9on said \"hi\"\n\ud83d\ude00\ttab\/slash", "url": null}"#)
        #expect(input.text == "Léon said \"hi\"\n😀\ttab/slash")
        #expect(input.id == #""a\"1""#)
        #expect(try read(#" { "text" : "" , "id" : -12.5E+2 } "#).id == "-12.5E+2")
        #expect(try read(#"{"id":0,"text":"é"}"#).text == "é")
    }

    @Test("what is not one well-formed JSON object with a string or number id and a string text is refused with the reason")
    func refusals() {
        #expect(failure("not json") == "not JSON: an object expected at byte 1")
        #expect(failure(#"{"id": 1}"#) == #"missing "text""#)
        #expect(failure(#"{"text": "x"}"#) == #"missing "id""#)
        #expect(failure(#"{"id": [1], "text": "x"}"#).contains("string or a number"))
        #expect(failure(#"{"id": nan, "text": "x"}"#).contains("string or a number"))
        #expect(failure(#"{"id": 01, "text": "x"}"#).contains("string or a number"))
        #expect(failure(#"{"id": 1, "text": 5}"#) == #""text" must be a string"#)
        #expect(failure(#"{"id": 1, "text": "x"} trailing"#).hasPrefix("not JSON: more after the object"))
        #expect(failure(#"{"id": 1, "text": "unclosed}"#) == "not JSON: a string is not closed")
        #expect(failure("{\"id\": 1, \"text\": \"tab\there\"}").hasPrefix("not JSON: a control character"))
        #expect(failure(#"{"id": 1, "text": "\q"}"#).hasPrefix("not JSON: an unknown escape"))
        #expect(failure(#"{"id": 1, "text": "\u12"}"#).hasPrefix(#"not JSON: a \u escape"#))
        #expect(failure(#"{"id": 1, "text": "x", "more": tru}"#).hasPrefix("not JSON: a value expected"))
        #expect(failure(#"{"id": 1, "text": "x""#) == "not JSON: the line ends where ',' or '}' was expected")
        #expect(failure(#"{"id": 1, "x": "# + String(repeating: "[", count: 300) + "]") .hasPrefix("not JSON: nested deeper"))
        var invalid = Data(#"{"id": 1, "text": ""#.utf8)
        invalid.append(contentsOf: [0xFF, 0xFE, 0x22, 0x7D])
        #expect(throws: DedupInput.Failure.self) { try DedupInput(invalid) }
    }
}
