using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansJobs.Handlers.BuiltIn;

namespace OrleansJobs.Outbound;

/// <summary>What the silo's outbound calls (the <c>http</c> job type, completion callbacks) have in common.</summary>
internal static class OutboundHttp
{
    /// <summary>
    /// A named client for calls to allow-listed hosts: no redirects (one could lead off the allow-list), no cookies
    /// (pooled handlers must not carry one call's cookies into another's), no client-wide timeout (each call sets its
    /// own), and connections only to addresses the allow-list permits (<see cref="OutboundConnect"/>).
    /// </summary>
    public static IHttpClientBuilder AddOutboundHttpClient(this IServiceCollection services, string name) =>
        services.AddHttpClient(name, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider =>
            {
                var hosts = provider.GetRequiredService<IOptionsMonitor<HttpJobOptions>>();
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    ConnectCallback = (context, cancellationToken) => OutboundConnect.ConnectAsync(context, hosts.CurrentValue, cancellationToken),
                };
            });

    /// <summary>An answer worth trying again later: 5xx, 408 and 429. Any other non-2xx answer will not change by retrying.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
}
