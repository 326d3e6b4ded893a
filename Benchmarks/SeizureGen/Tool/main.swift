// seizure-gen: writes a device catalog CSV shaped like the seizure in CONTEXT.md (9 systems,
// 384 SIM-box ports, 53 smartphones, 180 basic phones, 19 computers, 7,100 SIMs at scale 1),
// for `custody device import` and the registry benchmark (docs/BENCHMARKS.md, "Device registry");
// with --messages, a sender-software log of generated messages and its ground truth (docs/ANALYSIS.md, "Generator").
import Foundation
import SeizureCatalog
import SeizureMessages

let usage = """
    usage: seizure-gen --scale S [--seed N] --out FILE.csv
           seizure-gen --messages N [--seed N] --out FILE.csv --truth FILE.csv
      --scale S   multiplies every count (1 = CONTEXT.md's seizure, 10 = ten times it; a fraction such as 0.05 makes a small one)
      --seed N    the random seed (default 2021): the same scale and seed give the same file, byte for byte
      --out FILE  where to write the catalog or the log ("-" for standard output); an existing file is replaced
      --messages N  write N messages as a sender-software log (time, direction, from, to, text, status, port)
      --truth FILE  with --messages: where to write the ground truth (row, cluster: spam-N, notice-N or chat-ROW)
    """

func fail(_ message: String, status: Int32 = 64) -> Never {
    FileHandle.standardError.write(Data("seizure-gen: \(message)\n".utf8))
    exit(status)
}

var scale: Double?
var seed: UInt64 = 2021
var out: String?
var messages: Int?
var truth: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    func value() -> String {
        guard let v = arguments.popFirst() else { fail("\(argument) needs a value\n\(usage)") }
        return v
    }
    switch argument {
    case "--scale":
        let v = value()
        guard let s = Double(v), s > 0, s <= 1000 else { fail("--scale \(v) is not a number in (0, 1000]: use e.g. 1, 10 or 0.05") }
        scale = s
    case "--seed":
        let v = value()
        guard let s = UInt64(v) else { fail("--seed \(v) is not a whole number ≥ 0") }
        seed = s
    case "--out": out = value()
    case "--messages":
        let v = value()
        guard let n = Int(v), n > 0 else { fail("--messages \(v) is not a whole number > 0: use e.g. 3500000") }
        messages = n
    case "--truth": truth = value()
    case "-h", "--help": print(usage); exit(0)
    default: fail("unknown argument \(argument)\n\(usage)")
    }
}
func write(_ text: String, to path: String) {
    if path == "-" {
        FileHandle.standardOutput.write(Data(text.utf8))
        return
    }
    do { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) } catch {
        fail("cannot write \(path): \(error.localizedDescription): check the folder exists and is writable", status: 1)
    }
}

if let messages {
    guard scale == nil else { fail("--messages and --scale are two different outputs: give one\n\(usage)") }
    guard let out, let truth else { fail("--messages needs --out and --truth\n\(usage)") }
    let generated = SeizureMessages(count: messages, seed: seed)
    write(generated.senderLogCSV(), to: out)
    write(generated.truthCSV(), to: truth)
    FileHandle.standardError.write(Data("seizure-gen: \(out): \(messages) messages, ground truth in \(truth)\n".utf8))
    exit(0)
}
guard let scale, let out else { fail("--scale and --out are required\n\(usage)") }

let catalog = SeizureCatalog(scale: scale, seed: seed)
write(catalog.csv, to: out)
if out != "-" {
    var types = [String: Int]()
    for r in catalog.rows { types[r.type.rawValue, default: 0] += 1 }
    FileHandle.standardError.write(Data("seizure-gen: \(out): \(catalog.rows.count) rows (\(types.keys.sorted().map { "\($0) \(types[$0]!)" }.joined(separator: ", ")))\n".utf8))
}
