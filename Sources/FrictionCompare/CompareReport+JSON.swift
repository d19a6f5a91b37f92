import FrictionCore

extension CompareReport {
    /// The `friction.compare/1` JSON document (keys sorted by the writer; `logits` from an
    /// activation comparison when there is one).
    public func json(logits: [ActivationComparison.Logits] = []) -> JSONValue {
        func obj(_ m: [(String, JSONValue)]) -> JSONValue { .object(m.map { JSONMember(key: $0.0, value: $0.1) }) }
        func num(_ d: Double?) -> JSONValue { d.map(JSONValue.double) ?? .null }
        func shape(_ s: [UInt64]) -> JSONValue { .array(s.map(JSONValue.uint)) }
        func summary(_ s: Summary) -> JSONValue {
            obj([("key", .string(s.key)), ("tensors", .int(Int64(s.tensors))), ("flagged", .int(Int64(s.flagged))),
                 ("min_cosine", .double(s.minCosine)), ("min_snr_db", num(s.minSNR)), ("max_rel_l2", .double(s.maxRelL2))])
        }
        let pairs: [JSONValue] = self.pairs.map { p in
            var m: [(String, JSONValue)] = [
                ("a", .string(p.a)), ("b", .string(p.b)), ("method", .string(p.method.rawValue)), ("transform", .string(p.transform.rawValue)),
                ("a_type", .string(p.aType)), ("b_type", .string(p.bType)), ("b_format", p.bFormat.map(JSONValue.string) ?? .null), ("a_shape", shape(p.aShape)), ("b_shape", shape(p.bShape)),
                ("stored_transposed", .bool(p.storedTransposed)), ("flagged", .bool(p.flagged)),
                ("diagnosis", .array(p.diagnosis.map(JSONValue.string))), ("problem", p.problem.map(JSONValue.string) ?? .null),
                ("snr_floor_db", num(p.floor)),
            ]
            if let x = p.metrics {
                m.append(("metrics", obj([
                    ("count", .int(Int64(x.count))), ("max_abs", .double(x.maxAbs)), ("mean_abs", .double(x.meanAbs)),
                    ("rel_l2", .double(x.relL2)), ("cosine", .double(x.cosine)), ("snr_db", num(x.snrDB)),
                    ("sign_flips", .double(x.signFlips)), ("beyond_steps", num(x.beyondSteps)), ("slope", .double(x.slope)),
                    ("worst_index", .int(Int64(x.worstIndex))),
                ])))
            } else {
                m.append(("metrics", .null))
            }
            return obj(m)
        }
        var doc: [(String, JSONValue)] = [
            ("schema", .string("friction.compare/1")), ("a", .string(a)), ("b", .string(b)), ("pairs", .array(pairs)),
            ("unmatched_a", .array(unmatchedA.map(JSONValue.string))), ("unmatched_b", .array(unmatchedB.map(JSONValue.string))),
            ("config_differences", .array(configDifferences.map { obj([("key", .string($0.key)), ("a", $0.a), ("b", $0.b)]) })),
            ("missing_layers", .array(missingLayers.map { .int(Int64($0)) })), ("extra_layers", .array(extraLayers.map { .int(Int64($0)) })),
            ("by_layer", .array(byLayer.map(summary))), ("by_role", .array(byRole.map(summary))),
            ("flagged", .int(Int64(self.pairs.filter { $0.flagged }.count))), ("has_findings", .bool(hasFindings)),
        ]
        if !logits.isEmpty {
            doc.append(("logits", .array(logits.map { l in
                obj([("name", .string(l.name)), ("positions", .int(Int64(l.positions))),
                     ("kl", .array(l.kl.map { obj([("temperature", .double($0.temperature)), ("nats", .double($0.value))]) })),
                     ("top1_agreement", .double(l.top1)), ("topk_overlap", .double(l.topKOverlap)), ("k", .int(Int64(l.k)))])
            })))
        }
        return obj(doc)
    }
}
