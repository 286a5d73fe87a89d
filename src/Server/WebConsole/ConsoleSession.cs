namespace OrleansJobs.Server.WebConsole;

/// <summary>What <c>GET console/session</c> tells the page: who is signed in, and what its changes must carry.</summary>
/// <param name="Name">The key's name (<c>anonymous</c> while the service runs without keys).</param>
/// <param name="Scopes">The scopes the caller holds, <c>admin</c> spelled out into all of them.</param>
/// <param name="ViaCookie">True when the console's cookie signed the caller in (the page then offers to sign out).</param>
/// <param name="AntiforgeryHeader">The header that carries <paramref name="AntiforgeryToken"/>.</param>
/// <param name="AntiforgeryToken">The token every change made through the cookie must carry.</param>
public sealed record ConsoleSession(string Name, IReadOnlyList<string> Scopes, bool ViaCookie, string AntiforgeryHeader, string AntiforgeryToken);
