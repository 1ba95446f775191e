// libFuzzer target: the HTTP body decoders (POST /step, /reset and the task routes) on any bytes
// that parse as JSON, as the routes run them; a validation failure's issues must encode (they
// are the 422 body).
import EnvProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPBodies(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let body: JSONValue? = size == 0 ? nil : try? JSONParser.parse(bytes)
    if size > 0, body == nil { return 0 }
    var failures: [ValidationFailure] = []
    if let body {
        do { _ = try StepRequest(validating: body) } catch { failures.append(error) }
    }
    do { _ = try ResetOptions(validatingBody: body) } catch { failures.append(error) }
    for route in TaskRequest.Route.allCases {
        do { _ = try TaskRequest(validatingBody: body, for: route) } catch { failures.append(error) }
    }
    for failure in failures {
        guard (try? JSONWriter.encode(.array(failure.issues.map(\.json)))) != nil else {
            fatalError("a 422 body does not encode: \(failure)")
        }
    }
    return 0
}
