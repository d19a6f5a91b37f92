import Foundation
import FrictionCore
import FrictionTestSupport
import Testing

/// `friction inspect` and `friction lint` on Keras `.h5` / `.keras` and plain HDF5 files
/// (fixtures/hdf5, written by real Keras 3.6 and h5py): each hostile file raises its rule, the
/// clean ones raise no error, and a corrupt file gives one clear line with no HDF5 diagnostics.
@Suite struct KerasCommandTests {
    /// File → the rule codes its lint must report (and the exit status).
    static let cases: [(file: String, rules: [String], status: Int32)] = [
        ("lambda.keras", ["SEC011", "OPS009"], 1),
        ("lambda.h5", ["SEC011", "OPS009"], 1),
        ("unsafe_api.keras", ["SEC011", "SEC012", "OPS009"], 1),
        ("custom_object.keras", ["SEC013", "OPS009"], 0),
        ("external_refs.h5", ["SEC014", "SEC015"], 1),
        ("shape_bomb.h5", ["SEC016"], 1),
        ("plugin_filter.h5", ["SEC017"], 0),
        ("policy_mismatch.keras", ["PREC012"], 0),
        ("cnn.keras", ["EXP006"], 0),
        ("cnn.h5", ["EXP006"], 0),
        ("tfkeras2.h5", [], 0),
        ("mixed_bf16.keras", [], 0),
    ]
    static let kerasRules = ["SEC011", "SEC012", "SEC013", "SEC014", "SEC015", "SEC016", "SEC017", "PREC012", "OPS009", "EXP023"]

    @Test(arguments: cases.map(\.file))
    func lintRaisesExactlyTheKerasRules(file: String) throws {
        let c = try #require(Self.cases.first { $0.file == file })
        let run = FrictionBinary.run(["lint", "--format", "json", Fixtures.path("hdf5/" + file)])
        #expect(run.status == c.status, "\(file): \(run.stderr)")
        let report = try JSONParser.parse(Array(run.stdout.utf8)).value
        let findings = (report["inputs"]?.arrayValue ?? []).flatMap { $0["findings"]?.arrayValue ?? [] }
        let codes = Set(findings.compactMap { $0["code"]?.stringValue })
        for rule in c.rules { #expect(codes.contains(rule), "\(file): missing \(rule) in \(codes.sorted())") }
        for rule in Self.kerasRules where !c.rules.contains(rule) { #expect(!codes.contains(rule), "\(file): unexpected \(rule)") }
    }

    /// A decoded stream reaches the HDF5 worker through an in-memory file.
    @Test(arguments: ["cnn.h5", "cnn.keras"])
    func zstdCompressedKerasFilesGoThroughTheWorker(file: String) throws {
        func tensors(_ path: String) throws -> [String] {
            let run = FrictionBinary.run(["inspect", "--format", "json", Fixtures.path("hdf5/" + path)])
            #expect(run.status == 0, "\(run.stderr)")
            let report = try JSONParser.parse(Array(run.stdout.utf8)).value
            return (report["inputs"]?.arrayValue?.first?["tensors"]?.arrayValue ?? []).compactMap { t in
                t["name"]?.stringValue.map { "\($0) \(t["dtype"]?.stringValue ?? "") \(t["shape"].map { $0.serialized() } ?? "")" }
            }
        }
        let plain = try tensors(file)
        #expect(plain.count == 22)
        #expect(try tensors(file + ".zst") == plain)
    }

    @Test(arguments: ["corrupt.h5", "truncated.h5"])
    func corruptFilesGiveOneLineAndNoHDF5Noise(file: String) {
        let path = Fixtures.path("hdf5/" + file)
        let run = FrictionBinary.run(["inspect", path])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(run.stderr)")
        #expect(run.stderr.hasPrefix("error: \(path): not a readable HDF5 file: ") && run.stderr.contains("[hdf5-open]"), "\(run.stderr)")
        #expect(!run.stderr.contains("HDF5-DIAG") && !run.stderr.contains("#000"))
        let lint = FrictionBinary.run(["lint", path])
        #expect(lint.status == 2 && lint.stdout.contains("[EXP001]") && !lint.stderr.contains("HDF5-DIAG"), "\(lint.stdout)\(lint.stderr)")
    }

    @Test func inspectListsKerasTensorsAsJSON() throws {
        let run = FrictionBinary.run(["inspect", "--format", "json", Fixtures.path("hdf5/mixed_bf16.keras")])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try JSONParser.parse(Array(run.stdout.utf8)).value
        let model = try #require(report["inputs"]?.arrayValue?.first, "\(run.stdout.prefix(400))")
        #expect(model["format"]?.stringValue == "keras")
        let dtypes = (model["tensors"]?.arrayValue ?? []).compactMap { $0["dtype"]?.stringValue }
        #expect(dtypes.sorted() == ["bfloat16", "bfloat16", "float32", "float32"])
    }

    /// libhdf5 1.10.8 segfaults on some malformed files (one byte of fixtures/keras/hazards.h5 is
    /// enough); friction runs the library in a worker process, so such a file is one error line.
    @Test func aFileThatCrashesLibhdf5IsOneErrorLine() throws {
        let dir = Fixtures.temporaryDirectory("friction-hdf5")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: Fixtures.path("keras/hazards.h5"))))
        bytes[1294] = 175
        let path = dir + "/crasher.h5"
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let run = FrictionBinary.run(["inspect", path])
        #expect(!run.signaled && run.status == 2, "\(run.status) \(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1 && run.stderr.contains("[hdf5-"), "\(run.stderr)")
        #expect(run.stderr.contains("[hdf5-crash]") || !run.stderr.contains("signal"), "\(run.stderr)")
        let lint = FrictionBinary.run(["lint", path])
        #expect(!lint.signaled && lint.status == 2 && lint.stdout.contains("[EXP001]"), "\(lint.stdout)")
    }

    /// Seeded byte mutations of two small HDF5 fixtures: friction always exits 0, 1 or 2, never
    /// by a signal, and never lets libhdf5 print.
    @Test func mutatedHDF5FilesNeverTakeFrictionDown() throws {
        let dir = Fixtures.temporaryDirectory("friction-hdf5-mut")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        for source in ["keras/hazards.h5", "hdf5/shape_bomb.h5"] {
            let original = [UInt8](try #require(FileManager.default.contents(atPath: Fixtures.path(source))))
            for i in 0..<24 {
                var bytes = original
                for _ in 0..<(1 + next(4)) { bytes[next(bytes.count)] = UInt8(next(256)) }
                let path = dir + "/m\(i).h5"
                _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
                let run = FrictionBinary.run(["inspect", "--stats", path])
                #expect(!run.signaled && (0...2).contains(run.status), "\(source) #\(i): \(run.status) \(run.stderr)")
                #expect(!run.stderr.contains("HDF5-DIAG"), "\(source) #\(i)")
            }
        }
    }
}
