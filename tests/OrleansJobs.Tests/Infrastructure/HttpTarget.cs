using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>
/// A loopback server for <c>http</c> jobs and completion callbacks to call. <c>/answer/{codes}/{name}</c> answers its
/// n-th call (GET or POST) with the n-th of the comma-separated status codes (the last one once they run out) and the
/// JSON body <c>{ "call": n }</c>, and keeps each POST it received.
/// </summary>
public sealed class HttpTarget : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Received>> _posts = new();
    private WebApplication? _app;

    /// <summary>One POST as it arrived: its body exactly as sent, its headers, and the status code it was answered with.</summary>
    public sealed record Received(string Body, IReadOnlyDictionary<string, string> Headers, int AnsweredWith);

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>A URL under a fresh name, so that each test counts its own calls.</summary>
    public (string Url, string Name) Answering(params int[] codes)
    {
        var name = Guid.NewGuid().ToString("N");
        return (new Uri(BaseAddress, $"/answer/{string.Join(',', codes)}/{name}").ToString(), name);
    }

    public int Calls(string name) => _calls.GetValueOrDefault(name);

    /// <summary>The POSTs to <paramref name="name"/>, in the order they arrived.</summary>
    public IReadOnlyList<Received> Posts(string name) => _posts.TryGetValue(name, out var posts) ? [.. posts] : [];

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapMethods("/answer/{codes}/{name}", [HttpMethods.Get, HttpMethods.Post], async (HttpRequest request, string codes, string name) =>
        {
            var call = _calls.AddOrUpdate(name, 1, (_, calls) => calls + 1);
            var answers = codes.Split(',');
            var status = int.Parse(answers[Math.Min(call, answers.Length) - 1], CultureInfo.InvariantCulture);
            if (HttpMethods.IsPost(request.Method))
            {
                var body = await new StreamReader(request.Body).ReadToEndAsync();
                var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
                _posts.GetOrAdd(name, _ => new()).Enqueue(new Received(body, headers, status));
            }
            return Results.Json(new { call }, statusCode: status);
        });
        await _app.StartAsync(TestContext.Current.CancellationToken);
        BaseAddress = new Uri(_app.Urls.Single());
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
