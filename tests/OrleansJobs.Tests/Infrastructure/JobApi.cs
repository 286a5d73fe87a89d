using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>Calls of the jobs API, and the checks every answer of it must pass, for the HTTP tests.</summary>
internal static class JobApi
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>POSTs <paramref name="json"/> (may be empty) and reads the answer's JSON body, if it has one.</summary>
    public static async Task<(HttpResponseMessage Response, JsonElement Body)> PostJsonAsync(
        this HttpClient http, string url, string json, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        configure?.Invoke(request);
        var response = await http.SendAsync(request, Token);
        return (response, await ReadJsonAsync(response));
    }

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> GetJsonAsync(this HttpClient http, string url)
    {
        var response = await http.GetAsync(url, Token);
        return (response, await ReadJsonAsync(response));
    }

    /// <summary>Submits a job that must be accepted, and returns its id.</summary>
    public static async Task<string> SubmitAsync(this HttpClient http, string json)
    {
        var (response, job) = await http.PostJsonAsync("/api/jobs", json);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return job.GetProperty("id").GetString()!;
    }

    public static Task<JsonElement> GetJobAsync(this HttpClient http, string id) =>
        http.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}", Token);

    /// <summary>Polls the job until <paramref name="condition"/> holds, and returns it as last read.</summary>
    public static async Task<JsonElement> WaitForJobAsync(this HttpClient http, string id, Func<JsonElement, bool> condition, string what)
    {
        JsonElement job = default;
        await Eventually.Until(async () => condition(job = await http.GetJobAsync(id)),
            TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50), $"job {id} {what}");
        return job;
    }

    public static Task<JsonElement> WaitForStatusAsync(this HttpClient http, string id, string status) =>
        http.WaitForJobAsync(id, job => Status(job) == status, $"did not become {status}");

    public static Task<JsonElement> WaitUntilFinishedAsync(this HttpClient http, string id) =>
        http.WaitForJobAsync(id, job => Status(job) is "Succeeded" or "Failed" or "Cancelled", "did not finish");

    public static string? Status(JsonElement job) => job.GetProperty("status").GetString();

    public static string? Outcome(JsonElement attempt) => attempt.GetProperty("outcome").GetString();

    /// <summary>An RFC 7807 answer: the status, the media type, and a title; the test checks the detail or errors it expects.</summary>
    public static void AssertProblem(HttpResponseMessage response, HttpStatusCode status, JsonElement problem)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
    }

    /// <summary>A 400 validation problem with an error message for <paramref name="field"/>; returns its messages joined.</summary>
    public static string AssertFieldError(HttpResponseMessage response, JsonElement problem, string field)
    {
        AssertProblem(response, HttpStatusCode.BadRequest, problem);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"no error for '{field}' in {problem}");
        var text = string.Join(" ", messages.EnumerateArray().Select(m => m.GetString()));
        Assert.False(string.IsNullOrWhiteSpace(text));
        return text;
    }

    public static string Detail(JsonElement problem) => problem.GetProperty("detail").GetString() ?? "";

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Token);
        return text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text);
    }
}
