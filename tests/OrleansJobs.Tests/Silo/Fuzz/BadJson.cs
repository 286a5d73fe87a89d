using System.Globalization;
using System.Text;
using System.Text.Json;
using CsCheck;

namespace OrleansJobs.Tests.Silo.Fuzz;

/// <summary>
/// Generators of bad request bodies, as UTF-8 bytes: JSON objects whose fields are the API's own names with values of the
/// wrong type or out of range (huge, negative, NaN and infinite numbers, durations and dates a timer cannot hold,
/// overlong and non-printable strings, lone surrogates, deep nesting), near-valid jobs with one bad field, and text that
/// is not JSON at all (truncated, invalid UTF-8, UTF-16, comments, trailing garbage).
/// </summary>
public static class BadJson
{
    /// <summary>Every field name some endpoint reads: jobs, batches, schedules, queues, workers, bulk delete.</summary>
    private static readonly string[] Fields =
    [
        "type", "payload", "queue", "priority", "concurrencyKey", "runAt", "maxAttempts", "retry", "timeout", "idempotencyKey",
        "correlationId", "callbackUrl", "tags", "labels", "external", "dependsOn", "onDependencyFailure", "initialDelay", "maxDelay", "multiplier", "jitter",
        "jobs", "cron", "timeZone", "job", "misfire", "overlap", "paused", "maxConcurrency", "maxConcurrencyPerKey", "ratePerSecond",
        "burst", "worker", "types", "max", "wait", "lease", "percent", "message", "extend", "result", "error", "retryable", "ids",
        "duration", "steps", "failAttempts", "url", "method", "headers", "body", "name", "",
    ];

    private static readonly string[] Numbers =
    [
        "0", "-1", "1", "-0", "0.5", "-0.5", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "1e308", "1.7976931348623157e308", "1e309", "-1e309", "4.9e-324", "1e-400", "1e2147483648",
        "123456789012345678901234567890", "0.0000000000000000000000001", "100", "101", "86400", "1e6", "-86400",
    ];

    /// <summary>Text that a duration, date, cron, time zone, URL, id or name field may choke on.</summary>
    private static readonly string[] Texts =
    [
        "", " ", "\t", "-00:00:01", "00:00:00", "PT-1S", "PT0S", "P99999999Y", "P1000000D", "PT9999999999999H", "10675199.02:48:05.4775807",
        "10675199.02:48:05.4775808", "-10675199.02:48:05.4775808", "99999999:00:00", "24:00:00", "1e10s", "-5s", "NaN", "Infinity", "∞",
        "00:00:00.00000001", "9999-12-31T23:59:59.9999999Z", "0001-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "2026-02-30T00:00:00Z",
        "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-14:00", "* * * * * * *", "0/0 * * * *", "*/1 * * * * *", "0 0 31 2 *",
        "59 23 31 2 * *", "L W # ?", "Mars/Phobos", "../../../etc/passwd", "Etc/GMT+99", "http://169.254.169.254/latest/meta-data",
        "http://[::1]:1/", "file:///etc/passwd", "javascript:alert(1)", "http://127.0.0.1:0/", "ftp://x", "http://",
        "job_", "job_00000000000000000000000000000000", "job_ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", "default", "delay", "noop", "http",
        "fireOnce", "skip", "wait", "allow", "fail", "run", "Queued,Running", "1", "-1", "'; DROP TABLE jobs; --", "<script>alert(1)</script>",
        "%00", "\u0000", "\u0007\u001b[31m", "\r\nX-Injected: 1", "\u202Eevil", "\u200B", "\uFEFF", "e\u0301\u0301\u0301", "😀👨‍👩‍👧‍👦",
        "\uFFFF", "\uFFFE", "ÿ", "Ω≈ç√∫", "null", "true", "{}", "[]",
    ];

    /// <summary>A field name: mostly one the API reads, sometimes one it does not know.</summary>
    private static readonly Gen<string> Name = Gen.Frequency((9, Gen.OneOf(Fields)), (1, Gen.Char['a', 'z'].Array[1, 12].Select(c => new string(c))));

    /// <summary>A JSON value: a literal, a number, a string (long, control characters, a lone surrogate escaped), or a nested array or object.</summary>
    public static readonly Gen<string> Value = Gen.Recursive<string>((depth, value) => Gen.Frequency(
        (3, Gen.OneOf(Numbers)),
        (1, Gen.Long.Select(n => n.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.Double.Select(d => d.ToString("R", CultureInfo.InvariantCulture))),
        (1, Gen.OneOf("true", "false", "null", "{}", "[]", "\"\"")),
        (5, Gen.OneOf(Texts).Select(Quote)),
        (1, Gen.Int[1, 12_000].Select(n => Quote(new string('x', n)))),
        (1, Gen.Char.Array[0, 40].Select(chars => Quote(new string(chars)))),
        (1, Gen.OneOf("\"\\ud800\"", "\"\\udfff x\"", "\"a\\ud83d\"", "\"\\u0000\"", "\"\\x41\"", "\"\\u12\"", "\"unterminated")),
        (1, Gen.Int[1, 70].Select(n => new string('[', n) + new string(']', n))),
        (depth < 3 ? 2 : 0, value.Array[0, 6].Select(items => "[" + string.Join(",", items) + "]")),
        (depth < 3 ? 2 : 0, Object(value))));

    /// <summary>An object of the API's field names (and some unknown ones) with bad values.</summary>
    public static Gen<string> Object(Gen<string> value) =>
        Gen.Select(Name.Array[0, 6], value.Array[6], (names, values) =>
            "{" + string.Join(",", names.Select((name, i) => Quote(name) + ":" + values[i])) + "}");

    /// <summary>An almost valid job (a known type, a sensible payload) with one to three bad fields, to reach the checks behind the first ones.</summary>
    public static readonly Gen<string> NearValidJob =
        Gen.Select(Gen.OneOf("delay", "noop", "http", "greeting", "no-such-type"), Name.Array[1, 3], Value.Array[3], Gen.Bool,
            (type, names, values, inPayload) =>
            {
                var bad = string.Join(",", names.Select((name, i) => Quote(name) + ":" + values[i]));
                return inPayload
                    ? "{\"type\":\"" + type + "\",\"payload\":{\"duration\":\"00:00:00\"," + bad + "}}"
                    : "{\"type\":\"" + type + "\",\"payload\":{\"duration\":\"00:00:00\"}," + bad + "}";
            });

    /// <summary>A body as bytes: mostly objects of bad fields and near-valid jobs, some wrapped as batches or schedules, some not JSON at all.</summary>
    public static readonly Gen<byte[]> Body = Gen.Frequency(
        (6, Object(Value).Select(Utf8)),
        (5, NearValidJob.Select(Utf8)),
        (2, NearValidJob.Array[0, 5].Select(jobs => Utf8("{\"jobs\":[" + string.Join(",", jobs) + "]}"))),
        (2, Gen.Select(NearValidJob, Gen.OneOf(Texts), (job, cron) => Utf8("{\"cron\":" + Quote(cron) + ",\"job\":" + job + "}"))),
        (1, Value.Select(Utf8)),
        (2, Gen.Select(Object(Value), Gen.Double[0, 1], (text, cut) => Utf8(text[..(int)(text.Length * cut)]))),
        (1, Gen.Byte.Array[0, 200]),
        (1, Gen.OneOf(
            Utf8("{\"type\":\"noop\"} trailing"), Utf8("// comment\n{\"type\":\"noop\"}"), Utf8("{'type':'noop'}"), Utf8("{\"type\":\"noop\",}"),
            Utf8("{\"type\":\"noop\",\"type\":\"delay\"}"), [0xEF, 0xBB, 0xBF, .. Utf8("{\"type\":\"noop\"}")], Encoding.Unicode.GetBytes("{\"type\":\"noop\"}"),
            [.. Utf8("{\"type\":\""), 0xC3, 0x28, 0xFF, .. Utf8("\"}")], Utf8("{\"type\":NaN}"), Utf8("{\"ids\":[" + string.Join(",", Enumerable.Repeat("\"x\"", 600)) + "]}"),
            Utf8(new string('[', 100_000)), Utf8(new string('{', 3_000)), Utf8("{\"type\":\"noop\"}\u0000"), Utf8("\u0000"), Utf8("{"), Utf8("}"))));

    /// <summary>A JSON string literal of <paramref name="text"/>, escaped as JSON escapes it (control characters as \u00XX).</summary>
    public static string Quote(string text) => JsonSerializer.Serialize(text);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
