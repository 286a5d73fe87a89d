using OrleansJobs.Handlers;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What <see cref="OrleansJobsHostingExtensions.AddOrleansJobs"/> returns: the place to register the app's own job
/// types, and the services of the host for anything else.
/// </summary>
public sealed class OrleansJobsBuilder
{
    internal OrleansJobsBuilder(IHostApplicationBuilder host) => Host = host;

    /// <summary>The application's host builder.</summary>
    public IHostApplicationBuilder Host { get; }

    /// <summary>The application's services.</summary>
    public IServiceCollection Services => Host.Services;

    /// <summary>
    /// Runs jobs of <paramref name="type"/> with <typeparamref name="THandler"/>, resolved from a fresh DI scope for
    /// each attempt. A typed handler (<see cref="IJobHandler{TPayload}"/>, <see cref="IJobHandler{TPayload, TResult}"/>)
    /// has its payload bound and validated when a job is submitted: a bad payload is refused then, naming the field.
    /// Throws when <paramref name="type"/> is not a valid type name or is registered already.
    /// </summary>
    public OrleansJobsBuilder AddJobHandler<THandler>(string type) where THandler : class, IJobHandler
    {
        Services.AddJobHandler<THandler>(type);
        return this;
    }
}
