using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using OrleansJobs.Api;

namespace OrleansJobs.Handlers;

/// <summary>
/// Binds a job's payload to its typed handler's payload type and validates it: at submit, so a bad payload is a 400,
/// and again before each attempt, for jobs stored before their type checked its payload. Pure: no services, no I/O.
/// </summary>
/// <remarks>
/// The rules: the API's JSON (camelCase, case-insensitive, enums as strings); members the type lacks are ignored, so
/// a client may send more than a handler reads; no payload binds as <c>{}</c>, so every member takes its default and
/// required members (<c>required</c>, <c>[JsonRequired]</c>) are reported missing; then DataAnnotations, every property's
/// attributes and the type's <see cref="IValidatableObject"/>. Errors are keyed <c>payload.&lt;field&gt;</c> by the JSON name.
/// </remarks>
public static class JobPayloadBinder
{
    /// <summary>The error key of the payload as a whole; a member's is <c>payload.&lt;member&gt;</c>.</summary>
    public const string Field = "payload";

    // The API's options, with the reflection resolver set up front: asking for a type's metadata, as the checks below do,
    // needs one, and the serializer only adds it on first use.
    internal static JsonSerializerOptions JsonOptions { get; } = Ready(new JsonSerializerOptions(JobResponse.JsonOptions) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() });

    /// <summary>
    /// Binds <paramref name="json"/> (null when the job has none) to <paramref name="payloadType"/> and validates it.
    /// False with <paramref name="errors"/> (field → messages) when it does not fit.
    /// </summary>
    public static bool TryBind(Type payloadType, string? json, out object? payload, out Dictionary<string, string[]> errors)
    {
        payload = null;
        errors = [];
        var info = JsonOptions.GetTypeInfo(payloadType);
        json ??= info.Kind == JsonTypeInfoKind.Object ? "{}" : "null";
        try
        {
            // The serializer stops at the first required member missing and names none: check them all first.
            if (info.Kind == JsonTypeInfoKind.Object && !HasRequiredMembers(info, json, errors))
                return false;
            payload = JsonSerializer.Deserialize(json, info);
        }
        catch (JsonException e)
        {
            Add(errors, Field + e.Path?[1..], Reason(e));
            return false;
        }

        var results = new List<ValidationResult>();
        if (payload is null || Validator.TryValidateObject(payload, new ValidationContext(payload), results, validateAllProperties: true))
            return true;
        foreach (var result in results)
        {
            var members = result.MemberNames.Where(name => name.Length > 0).ToList();
            foreach (var member in members.Count > 0 ? members.Select(member => $"{Field}.{JsonName(info, member)}") : [Field])
                Add(errors, member, result.ErrorMessage ?? "Invalid.");
        }
        return false;
    }

    /// <summary>The stored payload of the attempt in <paramref name="context"/>; one that does not bind fails the job without retries.</summary>
    internal static TPayload BindStored<TPayload>(JobContext context) =>
        TryBind(typeof(TPayload), context.PayloadJson, out var payload, out var errors)
            ? (TPayload)payload!
            : throw new JobFailedException(
                $"Invalid {context.Type} payload: {string.Join("; ", errors.Select(error => $"{error.Key}: {string.Join(" ", error.Value)}"))}",
                retryable: false);

    /// <summary>A typed handler's result as the job's result, in the API's JSON.</summary>
    internal static JsonNode? ToResult<TResult>(TResult result) => JsonSerializer.SerializeToNode(result, JsonOptions);

    private static JsonSerializerOptions Ready(JsonSerializerOptions options)
    {
        options.MakeReadOnly();
        return options;
    }

    private static bool HasRequiredMembers(JsonTypeInfo info, string json, Dictionary<string, string[]> errors)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            Add(errors, Field, $"Expected an object, not {document.RootElement.ValueKind.ToString().ToLowerInvariant()}.");
            return false;
        }
        var comparison = info.Options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var present = document.RootElement.EnumerateObject().Select(member => member.Name).ToList();
        foreach (var property in info.Properties.Where(p => p.IsRequired && !present.Any(name => string.Equals(name, p.Name, comparison))))
            Add(errors, $"{Field}.{property.Name}", "Required.");
        return errors.Count == 0;
    }

    /// <summary>The JSON name of the CLR member DataAnnotations reported (<c>Duration</c> → <c>duration</c>, or its <c>[JsonPropertyName]</c>).</summary>
    private static string JsonName(JsonTypeInfo info, string member) =>
        info.Properties.FirstOrDefault(property => (property.AttributeProvider as MemberInfo)?.Name == member)?.Name
        ?? info.Options.PropertyNamingPolicy?.ConvertName(member) ?? member;

    // The serializer's message ends with where it stopped in the text ("Path: $.steps | LineNumber: ..."): the field
    // already says where, so only the first part is kept.
    private static string Reason(JsonException e) =>
        e.Message.IndexOf(" Path: ", StringComparison.Ordinal) is var end and > 0 ? e.Message[..end] : e.Message;

    private static void Add(Dictionary<string, string[]> errors, string field, string message) =>
        errors[field] = errors.TryGetValue(field, out var messages) ? [.. messages, message] : [message];
}
