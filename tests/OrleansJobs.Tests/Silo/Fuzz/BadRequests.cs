using System.Text;
using CsCheck;

namespace OrleansJobs.Tests.Silo.Fuzz;

/// <summary>
/// The generator of whole bad requests to the routes given: a route (write routes weighted up), its parameters filled with
/// odd path segments (or a real job id, so the checks behind "no such job" are reached), a bad query string, a body
/// (<see cref="BadJson"/>), missing or oversized, a content type that is mostly JSON but sometimes not, and headers:
/// mostly a key that passes every check, so the fuzz reaches the handlers, sometimes none, a wrong one or one without
/// the scope; bad idempotency keys, correlation ids and trace headers.
/// <para>
/// What Kestrel refuses before the application sees it is left out, since no endpoint can answer it: raw control
/// characters in a header, an encoded NUL in the path, a request line over its 8 KB limit.
/// </para>
/// </summary>
public static class BadRequests
{
    private const string Printable = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

    private static readonly string[] ContentTypes =
    [
        "application/json; charset=utf-8", "application/problem+json", "application/vnd.api+json", "text/plain", "text/json",
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/xml",
        "", "garbage/", ";;;", "application/json, text/plain", "*/*", "application/json; charset=\"", "APPLICATION/JSON",
    ];

    private static readonly string[] QueryNames =
        ["wait", "limit", "cursor", "status", "queue", "type", "from", "to", "search", "include", "lastEventId", "access_token", "id", "x"];

    private static readonly string[] Segments =
    [
        "x", "job_", "job_00000000000000000000000000000000", "JOB_0123456789ABCDEF0123456789ABCDEF", "default", "..", ".", "%2E%2E", "%2F",
        "a%2Fb", "%5C", "%20", "+", "~", "'", "%22", "%3Cscript%3E", "%E2%80%AE", "%F0%9F%98%80", "%C3%28", "%FF", "%25", "CON", "-1",
        "0", "null", "undefined", "%0A", "%0D%0A", "%09", "%7F", "%EF%BF%BF", "a;b", "a,b", "@", "{id}", "*", "%2A",
    ];

    /// <summary>
    /// Requests to <paramref name="routes"/>, presenting <paramref name="passing"/> (a key that every route accepts) most of
    /// the time and <paramref name="lacking"/> (a key without the scope of writes) now and then; <paramref name="jobIds"/>
    /// are real jobs, <paramref name="oversized"/> a body size over the service's payload limit.
    /// </summary>
    public static Gen<BadRequest> For(IReadOnlyList<FuzzRoute> routes, string passing, string lacking, IReadOnlyList<string> jobIds, int oversized) =>
        Gen.Select(
            Gen.Frequency([.. routes.Select(r => (r.IsWrite ? 4 : 1, Gen.Const(r)))]),
            Segment(jobIds).Array[4],
            Query,
            Body(oversized),
            Headers(passing, lacking),
            (route, segments, query, body, headers) => new BadRequest(route, Fill(route.Template, segments) + query, body.Bytes, body.ContentType, headers));

    /// <summary>A path segment: odd characters (percent-encoded, as a client must send them), a long one, or a real job id.</summary>
    public static Gen<string> Segment(IReadOnlyList<string> jobIds) => Gen.Frequency(
        (6, Gen.OneOf(Segments)),
        (2, jobIds.Count > 0 ? Gen.OneOf([.. jobIds]) : Gen.Const("job_0123456789abcdef0123456789abcdef")),
        (2, Gen.Char.Array[1, 30].Select(c => Uri.EscapeDataString(Sanitize(new string(c))))),
        (1, Gen.Int[100, 3_000].Select(n => new string('a', n))));

    private static readonly string[] BadTexts =
        ["", " ", "-1", "0", "1", "1e309", "NaN", "PT-1S", "P1D", "99999999999999999999", "%", "'", "\"", "<", "job_", "ÿ", "😀", "\u202E",
         "Queued", "payload,result", new string('q', 250)];

    /// <summary>A query string, or none: known names with bad values, repeated names, names without values.</summary>
    public static readonly Gen<string> Query = Gen.Frequency(
        (4, Gen.Const("")),
        (5, Gen.Select(Gen.OneOf(QueryNames), Gen.OneOf(BadTexts), Gen.Bool).Array[1, 4].Select(pairs =>
            "?" + string.Join("&", pairs.Select(p => p.Item3 ? Uri.EscapeDataString(p.Item1) + "=" + Uri.EscapeDataString(p.Item2) : p.Item1)))),
        (1, Gen.OneOf("?", "?&&&", "?=", "?wait", "?wait=1&wait=2", "?limit=0", "?limit=501", "?limit=-1", "?limit=99999999999",
            "?wait=PT3M", "?wait=-1", "?wait=P1D", "?status=Queued,Running", "?status=1", "?include=payload,secret", "?%ZZ=1", "?cursor=%FF%FE",
            "?search=" + new string('s', 201), "?from=9999-99-99", "?to=-1")));

    private static Gen<(byte[]? Bytes, string? ContentType)> Body(int oversized) => Gen.Frequency(
        (14, Gen.Select(BadJson.Body, ContentType, (bytes, type) => ((byte[]?)bytes, type))),
        (2, Gen.Select(Gen.Bool, ContentType, (empty, type) => (empty ? (byte[]?)[] : null, type))),
        (1, Gen.Int[oversized + 1, oversized * 3].Select(n => ((byte[]?)Encoding.UTF8.GetBytes($"{{\"type\":\"noop\",\"payload\":\"{new string('x', n)}\"}}"), (string?)"application/json"))));

    private static readonly Gen<string?> ContentType = Gen.Frequency(
        (12, Gen.Const((string?)"application/json")),
        (3, Gen.OneOf(ContentTypes).Select(t => (string?)t)),
        (1, Gen.Const("").Select(_ => (string?)null)));

    /// <summary>The key (as a bearer token or <c>X-Api-Key</c>; missing, wrong, malformed or lacking the scope) and other headers.</summary>
    public static Gen<IReadOnlyList<KeyValuePair<string, string>>> Headers(string passing, string lacking) =>
        Gen.Select(
            Gen.Frequency(
                (40, Gen.Const(Pair("Authorization", "Bearer " + passing))),
                (6, Gen.Const(Pair("X-Api-Key", passing))),
                (1, Gen.Const(NoKey)),
                (1, PrintableText(0, 80).Select(t => Pair("Authorization", "Bearer " + t))),
                (1, PrintableText(0, 80).Select(t => Pair("X-Api-Key", t))),
                (1, Gen.OneOf("Basic dXNlcjpwYXNz", "Bearer", "Bearer  ", "bearer " + passing, passing, "Bearer " + passing + " extra").Select(v => Pair("Authorization", v))),
                (2, Gen.Const(Pair("Authorization", "Bearer " + lacking))),
                // The console's cookie: its changes need the antiforgery token too, which these never carry.
                (2, Gen.Const(Pair("Cookie", OrleansJobs.Server.WebConsole.ConsoleSignIn.CookieName + "=" + passing)))),
            Gen.Select(Gen.OneOf("Idempotency-Key", "X-Correlation-Id", "traceparent", "tracestate", "Last-Event-ID", "Accept", "If-Match", "Origin"),
                PrintableText(0, 300)).Array[0, 3],
            (key, others) => (IReadOnlyList<KeyValuePair<string, string>>)[.. key.Key.Length == 0 ? [] : new[] { key }, .. others.Select(o => Pair(o.Item1, o.Item2))]);

    private static Gen<string> PrintableText(int min, int max) => Gen.Char[Printable].Array[min, max].Select(c => new string(c));

    private static readonly KeyValuePair<string, string> NoKey = Pair("", "");

    private static KeyValuePair<string, string> Pair(string name, string value) => new(name, value);

    /// <summary>The template with its parameters (<c>{id}</c>, <c>{**path}</c>) replaced by <paramref name="segments"/> in turn.</summary>
    private static string Fill(string template, string[] segments)
    {
        var parts = template.Split('/');
        var next = 0;
        for (var i = 0; i < parts.Length; i++)
            if (parts[i].StartsWith('{')) parts[i] = segments[next++ % segments.Length];
        return string.Join('/', parts);
    }

    // Unpaired surrogates cannot be percent-encoded as UTF-8; NUL is refused by Kestrel before any endpoint runs.
    private static string Sanitize(string text) =>
        new string(text.Where(c => !char.IsSurrogate(c) && c != '\0').ToArray()) is { Length: > 0 } clean ? clean : "x";
}
