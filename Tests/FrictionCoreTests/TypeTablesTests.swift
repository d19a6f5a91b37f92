import FrictionCore
import FrictionTestSupport
import Foundation
import Testing

/// FrictionCore's type tables against the tables the reference libraries report
/// (fixtures/reference-tables.json, written by fixtures/generate/gen_reference_tables.py).
@Suite struct TypeTablesTests {
    static let reference: JSONValue = {
        guard let data = FileManager.default.contents(atPath: Fixtures.path("reference-tables.json")),
              let node = try? JSONParser.parse(Array(data)) else { return .null }
        return node.value
    }()

    /// Where gguf-py's GGML_QUANT_SIZES disagrees with ggml's C structs. Q8_1 is an intermediate
    /// (never stored) type: ggml-common.h asserts sizeof(block_q8_1) == 2*sizeof(ggml_half) + 32
    /// = 36, while gguf-py 0.19.0 lists 4 + 4 + 32 = 40. ggml's C layout is the authority.
    static let ggmlCOverrides: [String: Int64] = ["Q8_1": 36]

    @Test func everyGGMLTypeGGUFPyKnowsMatchesOurTable() throws {
        guard case .array(let rows)? = Self.reference["ggml_types"] else { Issue.record("no ggml_types"); return }
        #expect(rows.count >= 30)
        for row in rows {
            let id = try #require(row["id"]?.int64Value)
            let type = try #require(GGMLType.withID(UInt32(id)), "ggml id \(id) missing from GGMLType.all")
            #expect(type.name == row["name"]?.stringValue)
            #expect(Int64(type.blockSize) == row["block_size"]?.int64Value, "\(type.name) block size")
            let expected = Self.ggmlCOverrides[type.name] ?? row["type_size"]?.int64Value
            #expect(Int64(type.typeSize) == expected, "\(type.name) type size")
        }
    }

    @Test func ggmlTableIsConsistent() {
        #expect(Set(GGMLType.all.map(\.id)).count == GGMLType.all.count)
        #expect(Set(GGMLType.all.map(\.name)).count == GGMLType.all.count)
        #expect(GGMLType.all.allSatisfy { $0.id < GGMLType.count && GGMLType.removed[$0.id] == nil })
        for type in GGMLType.all where type.element != nil {
            #expect(type.blockSize == 1 && type.typeSize * 8 == type.element?.bits, "\(type.name)")
        }
    }

    @Test func safetensorsNamesAndWidthsMatchTheReferenceReader() throws {
        guard case .object(let rows)? = Self.reference["safetensors_dtypes"] else { Issue.record("no safetensors_dtypes"); return }
        for row in rows {
            let ours = DType.fromSafetensors(row.key)
            if case .null = row.value {
                #expect(ours == nil, "safetensors rejects \(row.key) but DType maps it")
            } else {
                let bits = try #require(row.value.int64Value)
                let type = try #require(ours, "safetensors reads \(row.key) but DType does not map it")
                #expect(Int64(type.bits ?? 0) == bits, "\(row.key)")
            }
        }
    }

    @Test func floatLayoutsMatchMLDtypes() throws {
        guard case .object(let rows)? = Self.reference["ml_dtypes_floats"] else { Issue.record("no ml_dtypes_floats"); return }
        for row in rows {
            let type = try #require(DType(rawValue: row.key))
            #expect(Int64(type.traits.bits ?? 0) == row.value["bits"]?.int64Value, "\(row.key) bits")
            #expect(Int64(type.traits.exponent) == row.value["exponent_bits"]?.int64Value, "\(row.key) exponent")
            #expect(Int64(type.traits.mantissa) == row.value["mantissa_bits"]?.int64Value, "\(row.key) mantissa")
        }
        guard case .object(let ints)? = Self.reference["ml_dtypes_ints"] else { return }
        for row in ints {
            #expect(Int64(DType(rawValue: row.key)?.bits ?? 0) == row.value["bits"]?.int64Value, "\(row.key)")
        }
    }

    @Test(arguments: DType.allCases)
    func everyDTypeHasARow(type: DType) {
        let traits = type.traits
        #expect(traits.family == .string ? traits.bits == nil : (traits.bits ?? 0) > 0)
        if let name = traits.safetensors { #expect(DType.fromSafetensors(name) == type) }
    }
}
