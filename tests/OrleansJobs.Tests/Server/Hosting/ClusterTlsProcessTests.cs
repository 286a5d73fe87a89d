using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Hosting;

/// <summary>
/// Orleans TLS in clustered mode (<c>OrleansJobs:Cluster:Tls</c>): two silo processes given one self-signed certificate
/// (made here) form a cluster over TLS and run a job; a third silo started without it never becomes a member, seen from
/// outside: the membership table and its readiness.
/// </summary>
[Trait("Kind", "Process")]
public sealed class ClusterTlsProcessTests
{
    private const string Password = "cluster-test";
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Silos_with_the_certificate_form_a_cluster_and_run_jobs_and_one_without_it_cannot_join()
    {
        await using var database = new PostgresFixture();
        await database.InitializeAsync();
        var folder = Directory.CreateTempSubdirectory("orleansjobs-tls-").FullName;
        var silos = new List<SiloProcess>();
        try
        {
            var certificate = Path.Combine(folder, "cluster.pfx");
            await File.WriteAllBytesAsync(certificate, SelfSignedPfx(), Token);
            silos.AddRange(await ClusterSilos.StartClusterAsync(database.ConnectionString, 2,
                $"--OrleansJobs:Cluster:Tls:CertificatePath={certificate}", $"--OrleansJobs:Cluster:Tls:CertificatePassword={Password}"));

            foreach (var silo in silos) Assert.Equal("Succeeded", await RunJobAsync(silo));

            var outsider = ClusterSilos.StartSilo(database.ConnectionString);
            silos.Add(outsider);
            var clock = Stopwatch.StartNew();
            var tried = false;
            while (clock.Elapsed < Window && !outsider.HasExited)
            {
                tried |= await ClusterSilos.MembershipRowsAsync(database.ConnectionString, outsider.SiloPort) > 0;
                Assert.Equal(2, await ClusterSilos.ActiveSilosAsync(database.ConnectionString));
                Assert.False(await ReadyAsync(outsider), $"the silo without the certificate became ready:\n{outsider.RecentOutput(40)}");
                await Task.Delay(500, Token);
            }
            Assert.True(tried || outsider.HasExited, $"the silo without the certificate neither tried to join nor gave up:\n{outsider.RecentOutput(40)}");
            Assert.Equal("Succeeded", await RunJobAsync(silos[0])); // the cluster is unharmed
        }
        finally
        {
            foreach (var silo in silos) await silo.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A certificate for both ends of a TLS connection (server and client authentication), with its key, as a .pfx.</summary>
    private static byte[] SelfSignedPfx()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=orleansjobs-cluster", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        return certificate.Export(X509ContentType.Pfx, Password);
    }

    private static async Task<string?> RunJobAsync(SiloProcess silo)
    {
        using var response = await silo.Http.PostAsync("api/jobs?wait=30s", new StringContent("""{"type":"noop"}""", Encoding.UTF8, "application/json"), Token);
        var body = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"submit on {silo} answered {response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("status").GetString();
    }

    private static async Task<bool> ReadyAsync(SiloProcess silo)
    {
        try
        {
            using var response = await silo.Http.GetAsync("health/ready", Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !Token.IsCancellationRequested))
        {
            return false; // not listening yet, or gone
        }
    }
}
