using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrleansJobs.Tests.Infrastructure;
using OrleansJobs.Tests.Server.Auth;

namespace OrleansJobs.Tests.Server.JobsConsole;

/// <summary>
/// The console against the silo as a real process with API keys configured: the page asks for a key once, keeps it in
/// an HttpOnly same-site cookie, and the key's scopes still decide what it may do. From outside, a request that carries
/// only that cookie (what a cross-site form would send) cannot change anything without the antiforgery token.
/// </summary>
[Trait("Kind", "Browser")]
public sealed class ConsoleSignInTests(KeyedSiloFixture fixture) : IClassFixture<KeyedSiloFixture>, IAsyncLifetime
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;
    private ConsoleBrowser? _browser;
    private HttpClient? _admin;

    private IPage Page => _browser!.Page;

    private HttpClient Admin => _admin!;

    public async ValueTask InitializeAsync()
    {
        _admin = new HttpClient { BaseAddress = fixture.Silo.Http.BaseAddress };
        _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", KeyedSiloFixture.Admin);
        _browser = await ConsoleBrowser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _admin?.Dispose();
    }

    private Task OpenAsync(string path) => Page.GotoAsync(new Uri(fixture.Silo.Http.BaseAddress!, "console/" + path).ToString());

    private async Task SignInAsync(string key)
    {
        await Page.GetByLabel("API key").FillAsync(key);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>A running job of <paramref name="owner"/>'s: a key without admin sees only its own jobs.</summary>
    private async Task<string> StartLongJobAsync(string owner)
    {
        using var client = new HttpClient { BaseAddress = fixture.Silo.Http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", owner);
        var id = await client.SubmitAsync("""{"type":"delay","payload":{"duration":"00:01:00","steps":60}}""");
        await Admin.WaitForStatusAsync(id, "Running");
        return id;
    }

    [Fact]
    public async Task Signed_in_with_a_manage_key_the_console_lists_jobs_watches_one_live_and_cancels_it()
    {
        var id = await StartLongJobAsync(KeyedSiloFixture.Alice);

        await OpenAsync($"jobs/{id}");
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await _browser!.ScreenshotAsync("sign-in");
        await SignInAsync("oj_not-a-key");
        await Assertions.Expect(Page.Locator("#sign-in-error")).ToContainTextAsync("Unknown API key");
        await SignInAsync(KeyedSiloFixture.Alice);

        // The deep link opens on its job once signed in, and the hub (negotiated through the cookie) moves the bar.
        await Assertions.Expect(Page.Locator("#status")).ToHaveTextAsync("Running");
        await Assertions.Expect(Page.GetByRole(AriaRole.Progressbar)).ToHaveAttributeAsync("aria-valuenow", new Regex("^[1-9][0-9]?$"));
        await Assertions.Expect(Page.Locator("#user")).ToContainTextAsync("alice");
        var cookie = Assert.Single(await Page.Context.CookiesAsync(), c => c.Name == "OrleansJobs.Console");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.DoesNotContain("OrleansJobs.Console", await Page.EvaluateAsync<string>("document.cookie"));

        await Page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(Page.Locator("#status")).ToHaveTextAsync("Cancelled");
        Assert.Equal("Cancelled", JobApi.Status(await Admin.GetJobAsync(id)));

        await Page.GetByRole(AriaRole.Link, new() { Name = "Jobs", Exact = true }).ClickAsync();
        await Assertions.Expect(Page.Locator($"tbody#rows tr[data-job='{id}']")).ToBeVisibleAsync();

        // Signing out clears the cookie: a reload asks for the key again.
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Page.ReloadAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.DoesNotContain(await Page.Context.CookiesAsync(), c => c.Name == "OrleansJobs.Console");
    }

    [Fact]
    public async Task A_key_without_manage_sees_its_own_job_but_its_cancel_is_refused_with_a_clear_message()
    {
        var id = await StartLongJobAsync(KeyedSiloFixture.Carol);

        await OpenAsync($"jobs/{id}");
        await SignInAsync(KeyedSiloFixture.Carol);
        await Assertions.Expect(Page.Locator("#status")).ToHaveTextAsync("Running");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Assertions.Expect(Page.Locator("#notice")).ToContainTextAsync("lacks the scope");
        await _browser!.ScreenshotAsync("cancel-refused");
        Assert.Equal("Running", JobApi.Status(await Admin.GetJobAsync(id)));
        (await Admin.PostJsonAsync($"/api/jobs/{id}/cancel", "")).Response.Dispose();
    }

    [Fact]
    public async Task A_change_sent_with_only_the_cookie_is_refused_and_the_antiforgery_token_lets_it_through()
    {
        var id = await StartLongJobAsync(KeyedSiloFixture.Alice);
        var cookies = new CookieContainer();
        using var browserLike = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = fixture.Silo.Http.BaseAddress };

        using (var refused = await SignInRequestAsync(browserLike, "oj_not-a-key")) Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using (var submitOnly = await SignInRequestAsync(browserLike, KeyedSiloFixture.Submitter)) Assert.Equal(HttpStatusCode.Forbidden, submitOnly.StatusCode);
        using (var signedIn = await SignInRequestAsync(browserLike, KeyedSiloFixture.Alice))
        {
            Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
            var setCookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), v => v.StartsWith("OrleansJobs.Console=", StringComparison.Ordinal));
            Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        }

        // What a cross-site form would send: the cookie, and no token.
        var (forged, problem) = await browserLike.PostJsonAsync($"/api/jobs/{id}/cancel", "");
        JobApi.AssertProblem(forged, HttpStatusCode.BadRequest, problem);
        Assert.Contains("antiforgery", JobApi.Detail(problem), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Running", JobApi.Status(await Admin.GetJobAsync(id)));

        // Reading needs no token; the session hands it out, and with it the same change goes through.
        var (described, session) = await browserLike.GetJsonAsync("/console/session");
        Assert.Equal(HttpStatusCode.OK, described.StatusCode);
        Assert.Equal("alice", session.GetProperty("name").GetString());
        var header = session.GetProperty("antiforgeryHeader").GetString()!;
        var token = session.GetProperty("antiforgeryToken").GetString()!;
        var (allowed, _) = await browserLike.PostJsonAsync($"/api/jobs/{id}/cancel", "", r => r.Headers.Add(header, token));
        Assert.True(allowed.IsSuccessStatusCode, $"cancel with the token answered {allowed.StatusCode}");
        await Admin.WaitForStatusAsync(id, "Cancelled");

        // Signing out is a change too (it carries the token, as the page sends it); afterwards the cookie reads nothing.
        using (var signOut = new HttpRequestMessage(HttpMethod.Delete, "/console/session"))
        {
            signOut.Headers.Add(header, token);
            using var signedOut = await browserLike.SendAsync(signOut, Token);
            Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
        }
        using var afterSignOut = await browserLike.GetAsync("/api/jobs", Token);
        Assert.Equal(HttpStatusCode.Unauthorized, afterSignOut.StatusCode);
    }

    private static Task<HttpResponseMessage> SignInRequestAsync(HttpClient http, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/console/session");
        request.Headers.Add("X-Api-Key", key);
        return http.SendAsync(request, Token);
    }
}
