import CLibXML2

/// The HTML elements the parser tells apart, identified from libxml2's element name without
/// building a Swift string: the name's bytes (lower case, as libxml2's HTML parser stores them)
/// are packed into integers (little-endian, the first eight bytes and the rest) and switched on.
/// Every other name is `.other`. A new case needs its constant in `of(_:)`; a test reads every
/// case's name back through it.
/// A set of tags as a 128-bit mask. The cleaner, the body finder and the block writer test every
/// element against theirs, and a `Set<Tag>` would hash the tag each time.
struct TagSet: ExpressibleByArrayLiteral, Sendable {
    private var low: UInt64 = 0, high: UInt64 = 0

    init(arrayLiteral tags: Tag...) {
        for tag in tags {
            if tag.rawValue < 64 { low |= 1 << UInt64(tag.rawValue) } else { high |= 1 << UInt64(tag.rawValue - 64) }
        }
    }

    func contains(_ tag: Tag) -> Bool {
        tag.rawValue < 64 ? low & (1 << UInt64(tag.rawValue)) != 0 : high & (1 << UInt64(tag.rawValue - 64)) != 0
    }
}

enum Tag: UInt8, CaseIterable {
    case other
    case a
    case abbr
    case address
    case article
    case aside
    case audio
    case b
    case base
    case blockquote
    case body
    case br
    case button
    case canvas
    case caption
    case center
    case code
    case dd
    case details
    case dialog
    case div
    case dl
    case dt
    case em
    case embed
    case fieldset
    case figcaption
    case figure
    case font
    case footer
    case form
    case h1
    case h2
    case h3
    case h4
    case h5
    case h6
    case head
    case header
    case hr
    case html
    case i
    case iframe
    case img
    case input
    case label
    case li
    case link
    case main
    case map
    case math
    case menu
    case meta
    case nav
    case noscript
    case object
    case ol
    case option
    case p
    case picture
    case pre
    case rp
    case rt
    case script
    case section
    case select
    case source
    case span
    case strong
    case style
    case summary
    case svg
    case table
    case tbody
    case td
    case template
    case textarea
    case tfoot
    case th
    case thead
    case time
    case title
    case tr
    case track
    case u
    case ul
    case video

    /// The tag of an element name (`xmlNode.name`).
    static func of(_ name: UnsafePointer<xmlChar>?) -> Tag {
        guard let name else { return .other }
        var low: UInt64 = 0, high: UInt64 = 0, length = 0
        while name[length] != 0 {
            guard length < 10 else { return .other }
            if length < 8 { low |= UInt64(name[length]) << (8 * UInt64(length)) } else { high |= UInt64(name[length]) << (8 * UInt64(length - 8)) }
            length += 1
        }
        if high != 0 {
            switch (low, high) {
            case (0x6F75716B636F6C62, 0x6574): return .blockquote
            case (0x6974706163676966, 0x6E6F): return .figcaption
            default: return .other
            }
        }
        switch low {
        case 0x61: return .a  // a
        case 0x72626261: return .abbr  // abbr
        case 0x73736572646461: return .address  // address
        case 0x656C6369747261: return .article  // article
        case 0x6564697361: return .aside  // aside
        case 0x6F69647561: return .audio  // audio
        case 0x62: return .b  // b
        case 0x65736162: return .base  // base
        case 0x79646F62: return .body  // body
        case 0x7262: return .br  // br
        case 0x6E6F74747562: return .button  // button
        case 0x7361766E6163: return .canvas  // canvas
        case 0x6E6F6974706163: return .caption  // caption
        case 0x7265746E6563: return .center  // center
        case 0x65646F63: return .code  // code
        case 0x6464: return .dd  // dd
        case 0x736C6961746564: return .details  // details
        case 0x676F6C616964: return .dialog  // dialog
        case 0x766964: return .div  // div
        case 0x6C64: return .dl  // dl
        case 0x7464: return .dt  // dt
        case 0x6D65: return .em  // em
        case 0x6465626D65: return .embed  // embed
        case 0x746573646C656966: return .fieldset  // fieldset
        case 0x657275676966: return .figure  // figure
        case 0x746E6F66: return .font  // font
        case 0x7265746F6F66: return .footer  // footer
        case 0x6D726F66: return .form  // form
        case 0x3168: return .h1  // h1
        case 0x3268: return .h2  // h2
        case 0x3368: return .h3  // h3
        case 0x3468: return .h4  // h4
        case 0x3568: return .h5  // h5
        case 0x3668: return .h6  // h6
        case 0x64616568: return .head  // head
        case 0x726564616568: return .header  // header
        case 0x7268: return .hr  // hr
        case 0x6C6D7468: return .html  // html
        case 0x69: return .i  // i
        case 0x656D61726669: return .iframe  // iframe
        case 0x676D69: return .img  // img
        case 0x7475706E69: return .input  // input
        case 0x6C6562616C: return .label  // label
        case 0x696C: return .li  // li
        case 0x6B6E696C: return .link  // link
        case 0x6E69616D: return .main  // main
        case 0x70616D: return .map  // map
        case 0x6874616D: return .math  // math
        case 0x756E656D: return .menu  // menu
        case 0x6174656D: return .meta  // meta
        case 0x76616E: return .nav  // nav
        case 0x7470697263736F6E: return .noscript  // noscript
        case 0x7463656A626F: return .object  // object
        case 0x6C6F: return .ol  // ol
        case 0x6E6F6974706F: return .option  // option
        case 0x70: return .p  // p
        case 0x65727574636970: return .picture  // picture
        case 0x657270: return .pre  // pre
        case 0x7072: return .rp  // rp
        case 0x7472: return .rt  // rt
        case 0x747069726373: return .script  // script
        case 0x6E6F6974636573: return .section  // section
        case 0x7463656C6573: return .select  // select
        case 0x656372756F73: return .source  // source
        case 0x6E617073: return .span  // span
        case 0x676E6F727473: return .strong  // strong
        case 0x656C797473: return .style  // style
        case 0x7972616D6D7573: return .summary  // summary
        case 0x677673: return .svg  // svg
        case 0x656C626174: return .table  // table
        case 0x79646F6274: return .tbody  // tbody
        case 0x6474: return .td  // td
        case 0x6574616C706D6574: return .template  // template
        case 0x6165726174786574: return .textarea  // textarea
        case 0x746F6F6674: return .tfoot  // tfoot
        case 0x6874: return .th  // th
        case 0x6461656874: return .thead  // thead
        case 0x656D6974: return .time  // time
        case 0x656C746974: return .title  // title
        case 0x7274: return .tr  // tr
        case 0x6B63617274: return .track  // track
        case 0x75: return .u  // u
        case 0x6C75: return .ul  // ul
        case 0x6F65646976: return .video  // video
        default: return .other
        }
    }

}
