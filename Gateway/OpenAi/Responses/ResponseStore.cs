using System.Text.Json;
using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Gateway.Serving;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Responses;

namespace Verge.Orleans.Gateway.OpenAi.Responses;

/// <summary>
/// One response's place in its user's store: the chain it continues, and storing the finished response
/// before the client is told it is complete (so a response the client holds can be continued).
/// </summary>
internal sealed class ResponseStore(IGrainFactory grains, string user, ResponseFrame frame, ResponsesRequest request, IReadOnlyList<ChatMessage> conversation)
{
    /// <summary>The chain this request continues plus its own input; another user's or an expired id is a 404.</summary>
    public static async Task<ResponseStore> OpenAsync(IGrainFactory grains, string user, ResponseFrame frame, ResponsesRequest request)
    {
        IReadOnlyList<ChatMessage> earlier = [];
        if (request.PreviousResponseId is { } previous)
        {
            var stored = await grains.GetGrain<IStoredResponseGrain>(StoredResponseKeys.Response(user, previous)).GetAsync()
                ?? throw new ServingException(404, "previous_response_not_found", $"Previous response with id '{previous}' not found.", "previous_response_id");
            earlier = stored.Conversation;
        }

        IReadOnlyList<ChatMessage> conversation = [.. earlier, .. request.Generation.Messages];
        var calls = conversation.SelectMany(m => m.ToolCalls ?? []).Select(c => c.Id).ToHashSet();
        foreach (var (callId, param) in request.ToolResults)
        {
            if (!calls.Contains(callId))
            {
                throw ChatRequestValidator.Invalid($"No tool call found for function call output with call_id '{callId}'.", param);
            }
        }

        return new ResponseStore(grains, user, frame, request, conversation);
    }

    /// <summary>What the model sees: the instructions (never carried along a chain), then the conversation.</summary>
    public GenerationRequest Generation => request.Generation with
    {
        Messages = request.Instructions is { } instructions ? [new ChatMessage("system", instructions), .. conversation] : conversation,
    };

    /// <summary>The finished response object, stored first when the request asked for it.</summary>
    public async Task<ResponseObject> CompleteAsync(CompletionAccumulator answer)
    {
        var response = ResponseAnswer.Completed(frame, request, answer);
        if (request.Store && answer.FirstSummary!.FinishReason != FinishReason.Cancelled)
        {
            await grains.GetGrain<IUserResponsesGrain>(StoredResponseKeys.UserResponses(user)).SaveAsync(new StoredResponse
            {
                Id = frame.Id,
                Assistant = frame.Model,
                Conversation = Storable([.. conversation, ResponseAnswer.Message(answer)]),
                Document = JsonSerializer.Serialize(response, OpenAiJsonContext.Default.ResponseObject),
            });
        }

        return response;
    }

    // Grain storage writes JSON naming each collection's runtime type: collection expressions typed as
    // IReadOnlyList make compiler-generated types it cannot read back, so the stored lists are plain arrays.
    private static ChatMessage[] Storable(IEnumerable<ChatMessage> messages) =>
        [.. messages.Select(m => m with { ToolCalls = m.ToolCalls?.ToArray() })];
}
