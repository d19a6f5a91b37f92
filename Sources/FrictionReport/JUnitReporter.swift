import FrictionCore
import FrictionRules

/// JUnit XML for CI test tabs: one test suite per input, one test case per finding (a failure
/// when at or above --fail-on), a passing case for a clean input, an error for an unreadable one.
public struct JUnitReporter: Reporter {
    public static let id = "junit"
    public static let summary = "JUnit XML (one suite per input, one case per finding)"

    public init() {}

    static func escape(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case _ where scalar.value < 0x20 && scalar != "\n" && scalar != "\t": out += "?"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    public func render(_ report: LintReport) -> String {
        var suites = ""
        var totalTests = 0
        var totalFailures = 0
        var totalErrors = 0
        for input in report.inputs {
            var cases = ""
            var failures = 0
            var errors = 0
            if let e = input.error {
                errors += 1
                cases += "    <testcase name=\"load\" classname=\"\(Self.escape(input.path))\">\n      <error message=\"\(Self.escape(e.message))\" type=\"\(e.code)\">\(Self.escape(e.description))</error>\n    </testcase>\n"
            }
            for f in input.findings {
                let name = Self.escape("\(f.code) \(f.name) at \(f.where_)")
                let failing = report.failOn.map { f.severity >= $0 } ?? false
                if failing {
                    failures += 1
                    cases += "    <testcase name=\"\(name)\" classname=\"\(Self.escape(input.path))\">\n      <failure message=\"\(Self.escape(f.message))\" type=\"\(f.severity.rawValue)\">\(Self.escape("\(f.where_): \(f.severity.rawValue)[\(f.code)] \(f.message)"))</failure>\n    </testcase>\n"
                } else {
                    cases += "    <testcase name=\"\(name)\" classname=\"\(Self.escape(input.path))\">\n      <system-out>\(Self.escape("\(f.severity.rawValue): \(f.message)"))</system-out>\n    </testcase>\n"
                }
            }
            if input.findings.isEmpty && input.error == nil {
                cases += "    <testcase name=\"no findings\" classname=\"\(Self.escape(input.path))\"/>\n"
            }
            let tests = max(1, input.findings.count + (input.error == nil ? 0 : 1))
            totalTests += tests
            totalFailures += failures
            totalErrors += errors
            suites += "  <testsuite name=\"\(Self.escape(input.path))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"0\">\n\(cases)  </testsuite>\n"
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"friction\" tests=\"\(totalTests)\" failures=\"\(totalFailures)\" errors=\"\(totalErrors)\">\n\(suites)</testsuites>\n"
    }
}
