using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace OrleansJobs.Server.Hosting;

/// <summary>
/// TLS for Orleans' silo-to-silo and gateway connections in clustered mode, on when
/// <c>OrleansJobs:Cluster:Tls:CertificatePath</c> names a PKCS#12 (.pfx) file with its private key
/// (<c>:CertificatePassword</c> opens it). Both ends of every connection must present a certificate, and a remote one
/// is accepted only when it is this silo's own (every silo of the cluster uses the same certificate) or its SHA-256
/// thumbprint is listed in <c>:AllowedThumbprints</c> (for a rotation, when silos with the old and the new certificate
/// run side by side). Names are not checked: silos reach each other by address, and the pin is stronger than a name.
/// A silo without an accepted certificate cannot join.
/// </summary>
public static class ClusterTls
{
    /// <summary>The configuration section.</summary>
    public const string Section = "OrleansJobs:Cluster:Tls";

    /// <summary>Turns TLS on for <paramref name="silo"/> when <see cref="Section"/> names a certificate; a certificate that cannot be read stops the start.</summary>
    public static void Use(ISiloBuilder silo, IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        if (string.IsNullOrWhiteSpace(section["CertificatePath"])) return;
        var certificate = Load(section["CertificatePath"]!, section["CertificatePassword"]);
        var allowed = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Thumbprint(certificate) };
        foreach (var entry in ConfigurationLists.Read(section.GetSection("AllowedThumbprints")))
            allowed.Add(entry.Replace(":", "", StringComparison.Ordinal));
        silo.UseTls(certificate, o =>
        {
            o.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            o.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            o.RemoteCertificateValidation = (remote, _, _) => Accepts(allowed, remote);
        });
    }

    /// <summary>True when <paramref name="remote"/>'s SHA-256 thumbprint is among <paramref name="allowed"/>, whatever its chain and names.</summary>
    public static bool Accepts(IReadOnlySet<string> allowed, X509Certificate2 remote) => allowed.Contains(Thumbprint(remote));

    /// <summary>The certificate's SHA-256 thumbprint, hex.</summary>
    public static string Thumbprint(X509Certificate2 certificate) => certificate.GetCertHashString(HashAlgorithmName.SHA256);

    private static X509Certificate2 Load(string path, string? password)
    {
        var where = $"{Section}:CertificatePath";
        if (!File.Exists(path)) throw new InvalidOperationException($"{where} names '{path}', which does not exist.");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidOperationException($"{where} '{path}' could not be read as a PKCS#12 (.pfx) file with {Section}:CertificatePassword: {ex.Message}", ex);
        }
        if (!certificate.HasPrivateKey) throw new InvalidOperationException($"{where} '{path}' holds no private key; a silo needs one to prove the certificate is its own.");
        return certificate;
    }
}
