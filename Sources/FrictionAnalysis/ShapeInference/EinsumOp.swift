import FrictionCore

/// Einsum's shape function: parses the equation (explicit `->` output or implicit, with `...`
/// ellipses), binds each letter to a size, broadcasts the ellipsis dims, and builds the output.
enum EinsumOp {
    /// One subscript of an operand: a letter, or the ellipsis.
    enum Label: Equatable {
        case letter(Character)
        case ellipsis
    }

    static func einsum(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let equation = c.node.string("equation") else { return c.fail("Einsum has no equation") }
        let text = equation.filter { !$0.isWhitespace }
        let sides = text.split(separator: "->", omittingEmptySubsequences: false)
        guard sides.count <= 2 else { return c.fail("Einsum equation '\(equation)' has more than one '->'") }
        let terms = sides[0].split(separator: ",", omittingEmptySubsequences: false)
        guard terms.count == c.node.inputs.count else {
            return c.fail("Einsum equation '\(equation)' names \(terms.count) operands, node has \(c.node.inputs.count)")
        }
        var operands: [[Label]] = []
        for term in terms {
            guard let labels = parse(term) else { return c.fail("Einsum equation '\(equation)' does not parse") }
            operands.append(labels)
        }
        var sizes: [Character: DimExpr?] = [:]
        var ellipses: [[DimExpr?]?] = []
        for (index, labels) in operands.enumerated() {
            guard let dims = c.dims(index) else { return }
            guard bind(labels, dims, &sizes, &ellipses) else {
                return c.fail("Einsum operand \(index) of rank \(dims.count) does not match '\(terms[index])'")
            }
        }
        guard case .shape(let ellipsis) = Broadcast.shapes(ellipses) else {
            return c.fail("Einsum ellipsis dimensions do not broadcast")
        }
        let output: [Label]
        if sides.count == 2 {
            guard let labels = parse(sides[1]) else { return c.fail("Einsum output '\(sides[1])' does not parse") }
            output = labels
        } else {
            output = implicitOutput(operands, hasEllipsis: !ellipses.isEmpty)
        }
        var dims: [DimExpr?] = []
        for label in output {
            switch label {
            case .ellipsis: dims += ellipsis
            case .letter(let letter):
                guard let size = sizes[letter] else { return c.fail("Einsum output letter '\(letter)' is in no operand") }
                dims.append(size)
            }
        }
        c.set(0, c.type(0), dims)
    }

    /// The labels of one term, or nil for characters other than letters and `...`.
    static func parse(_ term: Substring) -> [Label]? {
        var labels: [Label] = []
        var rest = term
        while let first = rest.first {
            if rest.hasPrefix("...") {
                labels.append(.ellipsis)
                rest = rest.dropFirst(3)
            } else if first.isLetter, first.isASCII {
                labels.append(.letter(first))
                rest = rest.dropFirst()
            } else {
                return nil
            }
        }
        return labels.filter { $0 == .ellipsis }.count <= 1 ? labels : nil
    }

    /// Binds an operand's letters to its sizes and collects its ellipsis dims; false on a rank mismatch.
    private static func bind(_ labels: [Label], _ dims: [DimExpr?], _ sizes: inout [Character: DimExpr?],
                             _ ellipses: inout [[DimExpr?]?]) -> Bool {
        let letters = labels.filter { $0 != .ellipsis }.count
        let hasEllipsis = labels.contains(.ellipsis)
        guard hasEllipsis ? dims.count >= letters : dims.count == letters else { return false }
        var position = 0
        for label in labels {
            switch label {
            case .ellipsis:
                let width = dims.count - letters
                ellipses.append(Array(dims[position..<position + width]))
                position += width
            case .letter(let letter):
                let size = dims[position]
                position += 1
                guard let seen = sizes[letter] else {
                    sizes[letter] = size
                    continue
                }
                if seen == nil || seen?.constant == 1 { sizes[letter] = size }
            }
        }
        return true
    }

    /// The implicit output: the ellipsis first, then letters used exactly once, in ascending order.
    private static func implicitOutput(_ operands: [[Label]], hasEllipsis: Bool) -> [Label] {
        var counts: [Character: Int] = [:]
        for labels in operands {
            for case .letter(let letter) in labels { counts[letter, default: 0] += 1 }
        }
        let once = counts.filter { $0.value == 1 }.keys.sorted().map(Label.letter)
        return (hasEllipsis ? [.ellipsis] : []) + once
    }
}
