using OrleansJobs.Api;
using OrleansJobs.Server.Api;
using OrleansJobs.Server.Auth;

namespace OrleansJobs.Server.Hosting;

/// <summary>The HTTP API: jobs, schedules, queues, batches and job types, with what every request goes through on the way in.</summary>
public static class JobApiExtensions
{
    /// <summary>
    /// What the job endpoints and the in-process <c>IJobClient</c> both run (<see cref="JobOperations"/>), problem
    /// details for every error, submit backpressure and its options, 503 for an
    /// unavailable store, the OpenAPI document (with each job type's payload schema), and the API's JSON (the same a
    /// completion callback posts).
    /// </summary>
    public static IHostApplicationBuilder AddJobApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        // After ASP.NET Core's writer, for the callers it declines (see the writer).
        builder.Services.AddSingleton<IProblemDetailsWriter, ProblemJsonFallbackWriter>();
        builder.Services.AddSingleton<ApiPaths>();
        builder.Services.AddSingleton<JobOperations>();
        builder.Services.AddSingleton<WorkerLeases>();
        builder.Services.AddOptions<BackpressureOptions>().BindConfiguration(BackpressureOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SubmitBackpressure>();
        builder.Services.AddExceptionHandler<UnavailableExceptionHandler>();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer<JobTypesDocumentTransformer>());
        builder.Services.ConfigureHttpJsonOptions(o => JobResponse.UseApiJson(o.SerializerOptions));
        builder.AddJobCors();
        return builder;
    }

    /// <summary>
    /// The middleware in front of the endpoints. The order matters: what a later one answers (a refused submit, an
    /// exception) passes back through the earlier ones, which give it a correlation id and a problem-details body. CORS
    /// comes first: a preflight carries no key, and every answer (a 401 included) carries the headers a page needs to read it.
    /// </summary>
    public static IApplicationBuilder UseJobApi(this IApplicationBuilder app, PathString api)
    {
        app.UseJobCors();
        app.UseCorrelationIds(api);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseJobAuth();
        return app;
    }

    public static IEndpointRouteBuilder MapJobApi(this IEndpointRouteBuilder app)
    {
        app.MapJobEndpoints();
        app.MapScheduleEndpoints();
        app.MapQueueEndpoints();
        app.MapBatchEndpoints();
        app.MapJobTypeEndpoints();
        app.MapSiloEndpoints();
        app.MapStatsEndpoints();
        app.MapWorkerEndpoints();
        return app;
    }
}
