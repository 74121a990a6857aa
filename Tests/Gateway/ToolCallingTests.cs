using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using Verge.Orleans.Grains.ModelFiles;
using ChatFinishReason = OpenAI.Chat.ChatFinishReason;
using ChatMessage = OpenAI.Chat.ChatMessage;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>Tool calling through the real OpenAI .NET SDK and Microsoft.Extensions.AI, on the demo model's tool branch.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ToolCallingTests(GatewayFixture gateway)
{
    private static readonly ChatTool Weather = ChatTool.CreateFunctionTool(
        ScriptedModel.ToolName, "Current weather for a city.",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}"""));

    private static ChatCompletionOptions Forced() => new()
    {
        Temperature = 0,
        Tools = { Weather },
        ToolChoice = ChatToolChoice.CreateFunctionChoice(ScriptedModel.ToolName),
    };

    [Fact]
    public async Task NamedToolChoiceReturnsACallWhoseArgumentsMatchTheSchema()
    {
        var result = await gateway.Chat().CompleteChatAsync([new UserChatMessage("Weather in Paris?")], Forced());
        ChatCompletion answer = result;

        Assert.Equal(ChatFinishReason.ToolCalls, answer.FinishReason);
        var call = Assert.Single(answer.ToolCalls);
        Assert.Equal(ScriptedModel.ToolName, call.FunctionName);
        Assert.StartsWith("call_", call.Id);
        using var arguments = JsonDocument.Parse(call.FunctionArguments);
        Assert.Equal("Paris", arguments.RootElement.GetProperty("city").GetString());
        Assert.Single(arguments.RootElement.EnumerateObject());
        Assert.Equal(ScriptedModel.Reasoning, Reasoning(result));
    }

    [Fact]
    public async Task RequiredToolChoiceCallsADeclaredFunction()
    {
        var options = Forced();
        options.ToolChoice = ChatToolChoice.CreateRequiredChoice();

        ChatCompletion answer = await gateway.Chat().CompleteChatAsync([new UserChatMessage("Weather?")], options);

        Assert.Equal(ChatFinishReason.ToolCalls, answer.FinishReason);
        Assert.Equal(ScriptedModel.ToolArguments, Assert.Single(answer.ToolCalls).FunctionArguments.ToString());
    }

    [Fact]
    public async Task TheToolResultSentBackYieldsAnAnswer()
    {
        var client = gateway.Chat();
        List<ChatMessage> conversation = [new UserChatMessage("Weather in Paris?")];
        ChatCompletion call = await client.CompleteChatAsync(conversation, Forced());
        conversation.Add(new AssistantChatMessage(call));
        conversation.Add(new ToolChatMessage(call.ToolCalls[0].Id, """{"temperature": 18}"""));

        ChatCompletion answer = await client.CompleteChatAsync(conversation, new ChatCompletionOptions { Temperature = 0, Tools = { Weather } });

        Assert.Equal(ChatFinishReason.Stop, answer.FinishReason);
        Assert.Empty(answer.ToolCalls);
        Assert.Equal(ScriptedModel.Answer, answer.Content.Single().Text);
    }

    [Fact]
    public async Task AStreamedCallAssemblesToTheSameCall()
    {
        ChatCompletion whole = await gateway.Chat().CompleteChatAsync([new UserChatMessage("Weather in Paris?")], Forced());
        var (id, name, arguments, finish) = ((string?)null, (string?)null, new StringBuilder(), (ChatFinishReason?)null);
        var firstPieces = 0;

        await foreach (var update in gateway.Chat().CompleteChatStreamingAsync([new UserChatMessage("Weather in Paris?")], Forced()))
        {
            foreach (var piece in update.ToolCallUpdates)
            {
                Assert.Equal(0, piece.Index);
                if (piece.ToolCallId is not null)
                {
                    firstPieces++;
                    (id, name) = (piece.ToolCallId, piece.FunctionName);
                }

                arguments.Append(piece.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal(1, firstPieces);
        Assert.StartsWith("call_", id);
        Assert.Equal(whole.ToolCalls[0].FunctionName, name);
        Assert.Equal(whole.ToolCalls[0].FunctionArguments.ToString(), arguments.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
    }

    [Fact]
    public async Task ToolChoiceNoneAnswersWithText()
    {
        var options = Forced();
        options.ToolChoice = ChatToolChoice.CreateNoneChoice();

        ChatCompletion answer = await gateway.Chat().CompleteChatAsync([new UserChatMessage("Weather?")], options);

        Assert.Equal(ChatFinishReason.Stop, answer.FinishReason);
        Assert.Equal(ScriptedModel.Answer, answer.Content.Single().Text);
    }

    [Fact]
    public async Task FunctionInvokingChatClientInvokesTheRegisteredFunction()
    {
        string? askedFor = null;
        var weather = AIFunctionFactory.Create((string city) => { askedFor = city; return "18 degrees"; }, ScriptedModel.ToolName, "Current weather for a city.");
        using IChatClient client = gateway.Chat().AsIChatClient().AsBuilder().UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync("Weather in Paris?", new ChatOptions
        {
            Temperature = 0,
            Tools = [weather],
            ToolMode = ChatToolMode.RequireSpecific(ScriptedModel.ToolName),
        });

        Assert.Equal("Paris", askedFor);
        Assert.Equal(ScriptedModel.Answer, response.Text);
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"city":{"type":"string","pattern":"^P"}}}""", "tools[0].function.parameters.properties.city.pattern")]
    [InlineData("""{"type":"object","not":{}}""", "tools[0].function.parameters.not")]
    public async Task AParameterSchemaTheGrammarCannotExpressIsA400NamingIt(string schema, string param)
    {
        var body = $$$"""{"model":"verge-demo","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":{{{schema}}}}}],"tool_choice":"required"}""";

        using var response = await gateway.Client().PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal("unsupported_schema", error.GetProperty("code").GetString());
    }

    private static string? Reasoning(System.ClientModel.ClientResult answer) =>
        JsonDocument.Parse(answer.GetRawResponse().Content).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("reasoning_content").GetString();
}
