using System.Net.Mime;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrleansJobs.Outbound;

namespace OrleansJobs.Handlers.BuiltIn;

/// <summary>
/// Calls an outbound URL on an allow-listed host. 2xx succeeds with <c>{ status, body }</c>; 5xx, 408, 429, timeouts and
/// network errors fail the attempt (retried); other 4xx, redirects and hosts off the allow-list fail the job. Its payload
/// (<see cref="HttpPayload"/>) is validated at submit.
/// </summary>
public sealed class HttpJobHandler(IHttpClientFactory clients, IOptionsMonitor<HttpJobOptions> options) : IJobHandler<HttpPayload, JsonObject>
{
    public const string Type = "http";
    public const string ClientName = "orleansjobs-http";
    public const string CorrelationHeader = "X-Correlation-Id";
    public const int MaxBodyBytes = 64 * 1024;

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private const int MaxErrorBodyChars = 500;

    public async Task<JsonObject> ExecuteAsync(HttpPayload payload, JobContext context)
    {
        var call = ReadPayload(payload);
        if (!options.CurrentValue.Allows(call.Url))
            throw new JobFailedException(
                $"Host '{call.Url.Authority}' is not allowed for http jobs: add it to {HttpJobOptions.SectionName}:AllowedHosts.", retryable: false);

        using var request = CreateRequest(call, context.CorrelationId);
        // The call's own timeout is told apart from the job's cancellation (cancel, job timeout, shutdown), which must propagate.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(call.Timeout);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var (body, truncated) = await ReadBodyAsync(response.Content, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                var result = new JsonObject { ["status"] = (int)response.StatusCode, ["body"] = ToJson(body, truncated) };
                if (truncated)
                    result["truncated"] = true;
                return result;
            }
            throw new JobFailedException(DescribeFailure(call, response, body), retryable: OutboundHttp.IsTransient(response.StatusCode));
        }
        catch (OperationCanceledException e) when (!context.CancellationToken.IsCancellationRequested)
        {
            throw new JobFailedException($"{call.Method} {call.Url} timed out after {call.Timeout}.", retryable: true, e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new JobFailedException($"{call.Method} {call.Url} failed: {e.Message}", retryable: true, e);
        }
    }

    private static string DescribeFailure(Call call, HttpResponseMessage response, byte[] body)
    {
        var message = $"{call.Method} {call.Url} answered {(int)response.StatusCode} {response.ReasonPhrase}";
        if ((int)response.StatusCode is >= 300 and < 400)
            message += $" (redirects are not followed; Location: {response.Headers.Location})";
        var text = Encoding.UTF8.GetString(body);
        return text.Length == 0 ? message + "." : $"{message}: {(text.Length > MaxErrorBodyChars ? text[..MaxErrorBodyChars] + "…" : text)}";
    }

    private static HttpRequestMessage CreateRequest(Call call, string? correlationId)
    {
        var request = new HttpRequestMessage(call.Method, call.Url);
        if (call.Body is { } body)
            request.Content = body.ValueKind == JsonValueKind.String
                ? new StringContent(body.GetString()!)
                : new StringContent(body.GetRawText(), Encoding.UTF8, MediaTypeNames.Application.Json);
        foreach (var (name, value) in call.Headers)
        {
            // Content headers (Content-Type, ...) live on the content, and replace its defaults. The payload's
            // validation has made sure each header fits one or the other.
            if (request.Headers.TryAddWithoutValidation(name, value))
                continue;
            request.Content!.Headers.Remove(name);
            request.Content.Headers.TryAddWithoutValidation(name, value);
        }
        if (correlationId is not null && !request.Headers.Contains(CorrelationHeader))
            request.Headers.TryAddWithoutValidation(CorrelationHeader, correlationId);
        return request;
    }

    private static async Task<(byte[] Body, bool Truncated)> ReadBodyAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        // One byte past the limit tells a body of exactly the limit from a longer one.
        var buffer = new byte[MaxBodyBytes + 1];
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        return read > MaxBodyBytes ? (buffer[..MaxBodyBytes], true) : (buffer[..read], false);
    }

    private static JsonNode? ToJson(byte[] body, bool truncated)
    {
        if (body.Length == 0)
            return null;
        if (!truncated)
        {
            try
            {
                return JsonNode.Parse(body);
            }
            catch (JsonException)
            {
                // Not JSON: kept as text below.
            }
        }
        return JsonValue.Create(Encoding.UTF8.GetString(body));
    }

    /// <summary>The call the payload asks for; the payload passed validation, so every value parses.</summary>
    private static Call ReadPayload(HttpPayload payload)
    {
        // Without a method, a body implies POST.
        var method = HttpMethod.Parse(payload.Method ?? (payload.Body is null ? "GET" : "POST"));
        var timeout = DurationParser.TryParse(payload.Timeout, out var given) ? given : DefaultTimeout;
        return new Call(new Uri(payload.Url), method, payload.Headers ?? [], payload.Body, timeout);
    }

    private sealed record Call(Uri Url, HttpMethod Method, Dictionary<string, string> Headers, JsonElement? Body, TimeSpan Timeout);
}
