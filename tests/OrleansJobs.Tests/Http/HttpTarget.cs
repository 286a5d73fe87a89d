using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrleansJobs.Tests.Http;

/// <summary>
/// A loopback server for <c>http</c> jobs to call. <c>/answer/{codes}/{name}</c> answers its n-th call with the n-th
/// of the comma-separated status codes (the last one once they run out) and the JSON body <c>{ "call": n }</c>.
/// </summary>
public sealed class HttpTarget : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>A URL under a fresh name, so that each test counts its own calls.</summary>
    public (string Url, string Name) Answering(params int[] codes)
    {
        var name = Guid.NewGuid().ToString("N");
        return (new Uri(BaseAddress, $"/answer/{string.Join(',', codes)}/{name}").ToString(), name);
    }

    public int Calls(string name) => _calls.GetValueOrDefault(name);

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/answer/{codes}/{name}", (string codes, string name) =>
        {
            var call = _calls.AddOrUpdate(name, 1, (_, calls) => calls + 1);
            var answers = codes.Split(',');
            var status = int.Parse(answers[Math.Min(call, answers.Length) - 1], CultureInfo.InvariantCulture);
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
