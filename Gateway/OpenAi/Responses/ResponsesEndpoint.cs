using Microsoft.Extensions.Options;
using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Gateway.Operations;
using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Gateway.Serving;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Responses;

namespace Verge.Orleans.Gateway.OpenAi.Responses;

/// <summary>
/// OpenAI's Responses API over the chat path: <c>POST /v1/responses</c> (plain or streamed), and the
/// caller's stored responses by id. Responses live in their user's namespace: another user's id is a 404.
/// </summary>
internal static class ResponsesEndpoint
{
    public static RouteGroupBuilder MapResponses(this RouteGroupBuilder v1)
    {
        v1.MapPost("/responses", CreateAsync);
        v1.MapGet("/responses/{id}", GetAsync);
        v1.MapDelete("/responses/{id}", DeleteAsync);
        return v1;
    }

    /// <summary>
    /// <c>POST /v1/responses</c>. Everything that can fail before the first token (parsing, the assistant,
    /// the previous response, the prompt's length, capacity) fails with a plain JSON error.
    /// </summary>
    public static async Task<IResult> CreateAsync(
        HttpContext http, IGrainFactory grains, GatewayHeartbeat heartbeat, GenerationRunner runner,
        IOptions<ChatRequestLimits> limits, ILogger<ResponsesRequest> logger)
    {
        http.Response.RegisterForDispose(heartbeat.Track());
        var aborted = http.RequestAborted;
        ResponsesRequest? request = null;
        ResponseFrame frame;
        ResponseStore store;
        Generation generation;
        try
        {
            var body = await RequestBody.ReadAsync(http.Request, OpenAiRequestJsonContext.Default.CreateResponseRequest, aborted);
            request = ResponsesRequestValidator.Validate(body, limits.Value);
            UnknownFields.Log(logger, "responses", request.IgnoredFields);
            if (!http.Grant().MayUse(request.Model))
            {
                throw ServingException.ModelNotFound(request.Model);
            }

            frame = new ResponseFrame(StoredResponseKeys.NewId(), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), request.Model);
            store = await ResponseStore.OpenAsync(grains, http.Grant().User, frame, request);
            generation = await runner.StartAsync(request.Model, store.Generation, null, frame.Id, aborted);
        }
        catch (Exception error) when (!aborted.IsCancellationRequested)
        {
            runner.Refused(request?.Model ?? "", OpenAiErrors.Map(error).Status);
            return OpenAiErrors.ToResult(error);
        }

        if (request.Stream)
        {
            return new ResponsesSseResult(frame, request, generation.Events, store);
        }

        try
        {
            ResponseObject? response = null;
            await GenerationRunner.CollectAsync(generation, 1, async answer => response = await store.CompleteAsync(answer));
            return Results.Json(response!, OpenAiJsonContext.Default.ResponseObject);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            return OpenAiErrors.ToResult(error);
        }
    }

    /// <summary><c>GET /v1/responses/{id}</c>: the caller's stored response, as it was returned (a 404 when the key may not see its assistant).</summary>
    public static async Task<IResult> GetAsync(HttpContext http, IGrainFactory grains, string id) =>
        Grain(http, grains, id) is { } grain && await grain.GetAsync() is { } stored && http.Grant().MayUse(stored.Assistant)
            ? Results.Text(stored.Document, "application/json")
            : NotFound(id);

    /// <summary><c>DELETE /v1/responses/{id}</c>: deletes the caller's stored response.</summary>
    public static async Task<IResult> DeleteAsync(HttpContext http, IGrainFactory grains, string id) =>
        StoredResponseKeys.IsValid(id) && await grains.GetGrain<IUserResponsesGrain>(StoredResponseKeys.UserResponses(http.Grant().User)).DeleteAsync(id)
            ? Results.Json(new ResponseDeleted(id, true), OpenAiJsonContext.Default.ResponseDeleted)
            : NotFound(id);

    /// <summary>The caller's response grain; null for an id no response could have.</summary>
    private static IStoredResponseGrain? Grain(HttpContext http, IGrainFactory grains, string id) =>
        StoredResponseKeys.IsValid(id) ? grains.GetGrain<IStoredResponseGrain>(StoredResponseKeys.Response(http.Grant().User, id)) : null;

    private static IResult NotFound(string id) =>
        OpenAiErrors.ToResult(new ServingException(404, "not_found", $"Response with id '{id}' not found.", "response_id"));
}
