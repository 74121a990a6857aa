using Microsoft.Extensions.Options;
using Verge.Orleans.Gateway.Anthropic.Contracts;
using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Gateway.Operations;
using Verge.Orleans.Gateway.OpenAi;
using Verge.Orleans.Gateway.Serving;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.Anthropic;

/// <summary>Anthropic's Messages API over the same serving path as chat completions (<see cref="GenerationRunner"/>).</summary>
internal static class MessagesEndpoint
{
    /// <summary>
    /// <c>POST /v1/messages</c>. Everything that can fail before the first token fails here with a plain
    /// Anthropic error; after that the answer is one <c>message</c> or an event stream.
    /// </summary>
    public static async Task<IResult> CreateAsync(
        HttpContext http, GatewayHeartbeat heartbeat, GenerationRunner runner, IOptions<ChatRequestLimits> limits, ILogger<AnthropicRequest> logger)
    {
        http.Response.RegisterForDispose(heartbeat.Track());
        var aborted = http.RequestAborted;
        var id = "msg_" + Guid.NewGuid().ToString("N");
        AnthropicRequest? request = null;
        Generation generation;
        try
        {
            request = await ReadAsync(http, limits.Value, logger, counting: false);
            generation = await runner.StartAsync(request.Model, request.Generation, null, id, aborted);
        }
        catch (Exception error) when (!aborted.IsCancellationRequested)
        {
            runner.Refused(request?.Model ?? "", AnthropicErrors.Map(error).Status);
            return AnthropicErrors.ToResult(error);
        }

        if (request.Stream)
        {
            return new AnthropicSseResult(id, request.Model, generation);
        }

        try
        {
            var answer = await GenerationRunner.CollectAsync(generation, 1);
            return Results.Json(AnthropicAnswer.ToMessage(answer, id, request.Model), AnthropicJsonContext.Default.AnthropicMessage);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            return AnthropicErrors.ToResult(error);
        }
    }

    /// <summary>
    /// <c>POST /v1/messages/count_tokens</c>: the prompt's tokens as a worker of the assistant renders and
    /// tokenizes it for generation (system prompt, tools, think mode and template applied), nothing generated.
    /// </summary>
    public static async Task<IResult> CountTokensAsync(
        HttpContext http, GenerationRunner runner, IOptions<ChatRequestLimits> limits, ILogger<AnthropicRequest> logger)
    {
        var aborted = http.RequestAborted;
        try
        {
            var request = await ReadAsync(http, limits.Value, logger, counting: true);
            var tokens = await runner.CountTokensAsync(request.Model, request.Generation, aborted);
            return Results.Json(new TokenCount(tokens), AnthropicJsonContext.Default.TokenCount);
        }
        catch (Exception error) when (!aborted.IsCancellationRequested)
        {
            return AnthropicErrors.ToResult(error);
        }
    }

    private static async Task<AnthropicRequest> ReadAsync(HttpContext http, ChatRequestLimits limits, ILogger logger, bool counting)
    {
        var body = await RequestBody.ReadAsync(http.Request, AnthropicRequestJsonContext.Default.MessagesRequest, http.RequestAborted);
        var request = MessagesRequestValidator.Validate(body, limits, counting);
        UnknownFields.Log(logger, "messages", request.IgnoredFields);

        return http.Grant().MayUse(request.Model) ? request : throw ServingException.ModelNotFound(request.Model);
    }
}
