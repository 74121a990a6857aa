using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Catalog;

/// <summary>Applies an assistant's policy to requests: system prompt first, temperature and token limits, think mode.</summary>
internal sealed class AssistantGrain : Grain, IAssistantGrain
{
    private Task<AssistantSpec?> SpecAsync() => GrainFactory.GetGrain<ICatalogGrain>(0).GetAssistantAsync(this.GetPrimaryKeyString());

    Task<AssistantSpec?> IAssistantGrain.GetSpecAsync() => SpecAsync();

    async Task<CompletionPlan> IAssistantGrain.PlanAsync(GenerationRequest request)
    {
        var spec = await SpecAsync() ?? throw ServingException.ModelNotFound(this.GetPrimaryKeyString());
        var messages = string.IsNullOrEmpty(spec.SystemPrompt)
            ? request.Messages
            : [new ChatMessage("system", spec.SystemPrompt), .. request.Messages];
        var maxTokens = (request.MaxTokens, spec.MaxTokens) switch
        {
            (null, 0) => null,
            (null, var limit) => limit,
            (var asked, 0) => asked,
            (var asked, var limit) => Math.Min(asked.Value, limit),
        };
        var planned = request with
        {
            Messages = messages,
            Temperature = request.Temperature ?? spec.Temperature,
            MaxTokens = maxTokens,
            DisableThink = request.DisableThink || spec.DisableThink,
        };
        var worker = await GrainFactory.GetGrain<IModelGrain>(spec.Model).PickWorkerAsync();
        return new CompletionPlan(worker, planned);
    }
}
