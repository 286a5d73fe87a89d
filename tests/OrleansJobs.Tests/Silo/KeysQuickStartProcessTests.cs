using System.Text.Json;
using OrleansJobs.Client;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Silo;

/// <summary>
/// The README's "Keys" quick start, step by step, against the standalone silo on its embedded SQLite file: the
/// <c>keys add</c> command, the silo started on the same data, curl submitting and reading a job with the key as a
/// bearer token, and the .NET client with its <c>ApiKey</c>.
/// </summary>
[Trait("Kind", "Process")]
public sealed class KeysQuickStartProcessTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_key_made_with_the_command_submits_and_reads_with_curl_and_the_dotnet_client()
    {
        var data = Directory.CreateTempSubdirectory("orleansjobs-quickstart-").FullName;
        try
        {
            var (added, output) = await SiloCommand.RunAsync("keys", "add", "ci", "--scopes", "submit,read", $"--OrleansJobs:DataDirectory={data}");
            Assert.True(added == 0, output);
            var key = SiloCommand.SecretOf(output);
            Assert.StartsWith("oj_", key);

            await using var silo = SiloProcess.Start(new SiloProcessOptions { DataDirectory = data });
            await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
            var api = silo.Http.BaseAddress!.ToString();

            // Loopback, but a key exists: a request without one is refused.
            var (refused, _) = await CurlAsync("-o", "/dev/null", "-w", "%{http_code}", $"{api}api/jobs");
            Assert.Equal("401", refused);

            var (submitted, submitError) = await CurlAsync("-X", "POST", $"{api}api/jobs", "-H", $"Authorization: Bearer {key}",
                "-H", "Content-Type: application/json", "-d", """{"type":"noop"}""");
            var id = JsonDocument.Parse(submitted).RootElement.GetProperty("id").GetString();
            Assert.True(id is not null, submitError);
            var (read, _) = await CurlAsync($"{api}api/jobs/{id}", "-H", $"Authorization: Bearer {key}");
            Assert.Equal("ci", JsonDocument.Parse(read).RootElement.GetProperty("owner").GetString());

            await using var client = new OrleansJobsClient(new HttpClient { BaseAddress = silo.Http.BaseAddress },
                new OrleansJobsClientOptions { ApiKey = key });
            var job = await client.SubmitAndWaitAsync("noop", TimeSpan.FromSeconds(60), cancellationToken: Token);
            Assert.Equal(OrleansJobs.Client.JobStatus.Succeeded, job.Status);
            Assert.Equal("ci", (await client.GetAsync(job.Id, Token)).Owner);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<(string Output, string Error)> CurlAsync(params string[] args)
    {
        var (exitCode, output, error) = await Tools.RunAsync("curl", Path.GetTempPath(), ["-s", "--max-time", "60", .. args],
            "install curl", TimeSpan.FromSeconds(90));
        Assert.True(exitCode == 0, $"curl {string.Join(' ', args)} exited {exitCode}: {error}");
        return (output, error);
    }
}
