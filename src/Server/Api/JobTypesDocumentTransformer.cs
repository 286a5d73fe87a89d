using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using OrleansJobs.Handlers;

namespace OrleansJobs.Server.Api;

/// <summary>
/// Describes the job types this silo runs in the OpenAPI document. Each typed type's payload gets a schema,
/// <c>#/components/schemas/JobPayload.&lt;type&gt;</c>, made as the API makes its other schemas (so DataAnnotations show
/// as ranges and required members), and the extension <c>x-job-types</c> lists every type with its payload schema
/// (<c>{}</c> for a type that takes any payload). The submit endpoint reads its body itself, so nothing else would tell
/// a reader what <c>payload</c> each <c>type</c> expects.
/// </summary>
internal sealed class JobTypesDocumentTransformer(JobHandlerRegistry handlers) : IOpenApiDocumentTransformer
{
    public const string Extension = "x-job-types";

    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var types = new JsonObject();
        foreach (var type in handlers.Types)
        {
            if (handlers.PayloadType(type) is not { } payloadType)
            {
                types[type] = new JsonObject();
                continue;
            }
            var name = SchemaName(type);
            var schema = await context.GetOrCreateSchemaAsync(payloadType, cancellationToken: cancellationToken);
            schema.Description ??= $"The payload of jobs of type '{type}': POST /api/jobs {{ \"type\": \"{type}\", \"payload\": {{ ... }} }}.";
            document.AddComponent<IOpenApiSchema>(name, schema);
            types[type] = new JsonObject { ["payload"] = new JsonObject { ["$ref"] = $"#/components/schemas/{name}" } };
        }
        document.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        document.Extensions[Extension] = new JsonNodeExtension(types);
    }

    /// <summary>Job type names use only characters that component names allow.</summary>
    public static string SchemaName(string type) => "JobPayload." + type;
}
