using System.Net;
using System.Text.Json;

namespace OrleansJobs.Client;

/// <summary>An error answer of the service: its HTTP status and, when it sent one, its RFC 7807 problem details.</summary>
/// <param name="Status">The HTTP status code of the answer.</param>
/// <param name="Type">The problem's <c>type</c> URI.</param>
/// <param name="Title">The problem's <c>title</c>: a short summary of the kind of error.</param>
/// <param name="Detail">The problem's <c>detail</c>: what exactly went wrong this time.</param>
/// <param name="Raw">The whole problem object as sent, with its extensions (such as <c>errors</c> or <c>jobStatus</c>), or null when the answer had no JSON body.</param>
public sealed record JobProblem(HttpStatusCode Status, string? Type, string? Title, string? Detail, JsonElement? Raw);
