<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AboutDialog</name>
    <message>
        <source>Part</source>
        <translation>组件</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>License</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>Used for</source>
        <translation>用途</translation>
    </message>
    <message>
        <source>About CSA Inspector</source>
        <translation>关于 CSA Inspector</translation>
    </message>
    <message>
        <source>not installed</source>
        <translation>未安装</translation>
    </message>
    <message>
        <source>Select a part to read its license</source>
        <translation>选择一个组件以查看其许可证</translation>
    </message>
    <message>
        <source>Bundled parts and their licenses:</source>
        <translation>随附组件及其许可证：</translation>
    </message>
    <message>
        <source>{name}: {license} (no license file shipped)</source>
        <translation>{name}：{license}（未随附许可证文件）</translation>
    </message>
</context>
<context>
    <name>AuditTrail</name>
    <message>
        <source>audit trail not verifiable: this log was written by an older version and not opened since</source>
        <translation>审计记录无法校验：此记录由旧版本写入，之后未再打开过</translation>
    </message>
    <message>
        <source>audit trail verified ({entries} entries, chain head {head})</source>
        <translation>审计记录已校验（{entries} 条，链头 {head}）</translation>
    </message>
    <message>
        <source> (+{count} more)</source>
        <translation>（另有 {count} 处）</translation>
    </message>
    <message>
        <source>AUDIT TRAIL BROKEN: {problems}</source>
        <translation>审计记录已被破坏：{problems}</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>decision {ref} was added outside CSA Inspector</source>
        <translation>决定 {ref} 是在 CSA Inspector 之外添加的</translation>
    </message>
    <message>
        <source>event {ref} was added outside CSA Inspector</source>
        <translation>事件 {ref} 是在 CSA Inspector 之外添加的</translation>
    </message>
    <message>
        <source>decision {ref} was changed after it was recorded</source>
        <translation>决定 {ref} 在记录后被修改</translation>
    </message>
    <message>
        <source>event {ref} was changed after it was recorded</source>
        <translation>事件 {ref} 在记录后被修改</translation>
    </message>
    <message>
        <source>decision {ref} was deleted</source>
        <translation>决定 {ref} 已被删除</translation>
    </message>
    <message>
        <source>event {ref} was deleted</source>
        <translation>事件 {ref} 已被删除</translation>
    </message>
    <message>
        <source>ledger entry {entry} was altered or the chain was cut before it</source>
        <translation>账本条目 {entry} 被篡改，或记录链在其之前被截断</translation>
    </message>
    <message>
        <source>append-only protection removed ({triggers})</source>
        <translation>只追加保护已被移除（{triggers}）</translation>
    </message>
    <message>
        <source>photo {name} was added outside CSA Inspector</source>
        <translation>照片 {name} 是在 CSA Inspector 之外添加的</translation>
    </message>
    <message>
        <source>the scoring record of {name} was changed outside CSA Inspector</source>
        <translation>{name} 的评分记录在 CSA Inspector 之外被修改</translation>
    </message>
    <message>
        <source>the scoring record of photo #{ref} was deleted</source>
        <translation>照片 #{ref} 的评分记录已被删除</translation>
    </message>
    <message>
        <source>the batch settings (model, thresholds) were changed outside CSA Inspector</source>
        <translation>批次设置（模型、阈值）在 CSA Inspector 之外被修改</translation>
    </message>
    <message>
        <source>{count} photo(s) are marked flagged or not against the batch threshold</source>
        <translation>{count} 张照片的标记与批次阈值不符</translation>
    </message>
</context>
<context>
    <name>BatchController</name>
    <message>
        <source>Open batch folder</source>
        <translation>打开批次文件夹</translation>
    </message>
    <message>
        <source>Cannot open batch</source>
        <translation>无法打开批次</translation>
    </message>
    <message>
        <source>{folder} cannot be opened:

{error}</source>
        <translation>无法打开 {folder}：

{error}</translation>
    </message>
    <message>
        <source>This folder has no photos</source>
        <translation>该文件夹中没有照片</translation>
    </message>
    <message>
        <source>Opened {name}: {count} photos</source>
        <translation>已打开 {name}：{count} 张照片</translation>
    </message>
    <message>
        <source> (read-only: decisions cannot be saved)</source>
        <translation>（只读：无法保存判定）</translation>
    </message>
    <message>
        <source> (the folder is read-only: decisions are kept in {path})</source>
        <translation>（文件夹只读：判定保存在 {path}）</translation>
    </message>
    <message>
        <source>Open a batch folder to start (Ctrl+O)</source>
        <translation>打开一个批次文件夹开始 (Ctrl+O)</translation>
    </message>
    <message>
        <source>{count} photos in the folder are not scored yet</source>
        <translation>文件夹中有 {count} 张照片尚未评分</translation>
    </message>
    <message>
        <source>{count} photos changed since they were scored (rescore them: Ctrl+Shift+R)</source>
        <translation>有 {count} 张照片在评分后被更改（重新评分：Ctrl+Shift+R）</translation>
    </message>
    <message>
        <source>{count} photos are missing from the folder</source>
        <translation>文件夹中缺失 {count} 张照片</translation>
    </message>
    <message>
        <source>{count} renamed photos keep their decisions</source>
        <translation>{count} 张被重命名的照片保留其判定</translation>
    </message>
    <message>
        <source>⚠ Batch unlike the training photos</source>
        <translation>⚠ 本批次与训练照片不相似</translation>
    </message>
    <message>
        <source>Reopen {name}</source>
        <translation>重新打开 {name}</translation>
    </message>
    <message>
        <source>Open the batch reviewed last: {path} (Ctrl+Shift+O)</source>
        <translation>打开上次复核的批次：{path} (Ctrl+Shift+O)</translation>
    </message>
    <message>
        <source>Open a batch folder to start (Ctrl+O),
or reopen {name} (Ctrl+Shift+O)</source>
        <translation>打开一个批次文件夹开始 (Ctrl+O)，
或重新打开 {name} (Ctrl+Shift+O)</translation>
    </message>
    <message>
        <source>The batch reviewed last is not there any more</source>
        <translation>上次复核的批次已不存在</translation>
    </message>
</context>
<context>
    <name>Commands</name>
    <message>
        <source>&amp;Open batch folder…</source>
        <translation>打开批次文件夹(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a folder of photos to review</source>
        <translation>打开一个待复核的照片文件夹</translation>
    </message>
    <message>
        <source>Open batch…</source>
        <translation>打开批次…</translation>
    </message>
    <message>
        <source>Reopen &amp;last batch</source>
        <translation>重新打开上次的批次(&amp;L)</translation>
    </message>
    <message>
        <source>Open the batch reviewed last</source>
        <translation>打开上次复核的批次</translation>
    </message>
    <message>
        <source>Open model &amp;file…</source>
        <translation>打开模型文件(&amp;F)…</translation>
    </message>
    <message>
        <source>Use a model file that is not in the library</source>
        <translation>使用不在模型库中的模型文件</translation>
    </message>
    <message>
        <source>&amp;Export report…</source>
        <translation>导出报告(&amp;E)…</translation>
    </message>
    <message>
        <source>Write the batch report as PDF, HTML or CSV</source>
        <translation>将批次报告写为 PDF、HTML 或 CSV</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Change &amp;reviewer…</source>
        <translation>更换复核员(&amp;R)…</translation>
    </message>
    <message>
        <source>Set the name recorded with each decision</source>
        <translation>设置随每个判定记录的姓名</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Close the inspector</source>
        <translation>关闭检查器</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>List the keyboard shortcuts</source>
        <translation>列出键盘快捷键</translation>
    </message>
    <message>
        <source>&amp;About CSA Inspector</source>
        <translation>关于 CSA Inspector(&amp;A)</translation>
    </message>
    <message>
        <source>Version, model and device</source>
        <translation>版本、模型和设备</translation>
    </message>
    <message>
        <source>&amp;Score batch</source>
        <translation>为批次评分(&amp;S)</translation>
    </message>
    <message>
        <source>Score the photos that have no score yet</source>
        <translation>为尚未评分的照片评分</translation>
    </message>
    <message>
        <source>&amp;Rescore all photos</source>
        <translation>重新为全部照片评分(&amp;R)</translation>
    </message>
    <message>
        <source>Score every photo again with the current model</source>
        <translation>用当前模型重新为每张照片评分</translation>
    </message>
    <message>
        <source>&amp;Cancel scoring</source>
        <translation>取消评分(&amp;C)</translation>
    </message>
    <message>
        <source>Stop scoring after the current photos</source>
        <translation>当前照片完成后停止评分</translation>
    </message>
    <message>
        <source>&amp;Operating point…</source>
        <translation>工作点(&amp;O)…</translation>
    </message>
    <message>
        <source>How many foreign bodies the pass line has caught in past reviews, and what moving it would change</source>
        <translation>放行线在以往复核中检出了多少异物，以及移动它会带来什么变化</translation>
    </message>
    <message>
        <source>Save thresholds to &amp;model</source>
        <translation>将阈值保存到模型(&amp;M)</translation>
    </message>
    <message>
        <source>Write the batch&apos;s pass and alarm thresholds into the model file</source>
        <translation>将本批次的放行阈值和报警阈值写入模型文件</translation>
    </message>
    <message>
        <source>&amp;Train new model…</source>
        <translation>训练新模型(&amp;T)…</translation>
    </message>
    <message>
        <source>Train a model from photos without foreign bodies</source>
        <translation>用无异物的照片训练模型</translation>
    </message>
    <message>
        <source>Train…</source>
        <translation>训练…</translation>
    </message>
    <message>
        <source>&amp;Improve model from this review…</source>
        <translation>用本次复核改进模型(&amp;I)…</translation>
    </message>
    <message>
        <source>Retrain with the photos rejected as false alarms; you decide whether to use the result</source>
        <translation>用判为误报的照片重新训练；由您决定是否使用结果</translation>
    </message>
    <message>
        <source>Improve…</source>
        <translation>改进…</translation>
    </message>
    <message>
        <source>Model &amp;versions…</source>
        <translation>模型版本(&amp;V)…</translation>
    </message>
    <message>
        <source>Earlier versions of this model; make one active again</source>
        <translation>本模型的早期版本；可重新启用其中之一</translation>
    </message>
    <message>
        <source>Re&amp;fresh model library</source>
        <translation>刷新模型库(&amp;F)</translation>
    </message>
    <message>
        <source>Look for new models in the library folder</source>
        <translation>在模型库文件夹中查找新模型</translation>
    </message>
    <message>
        <source>&amp;Next photo</source>
        <translation>下一张照片(&amp;N)</translation>
    </message>
    <message>
        <source>Next photo</source>
        <translation>下一张照片</translation>
    </message>
    <message>
        <source>Next ▸</source>
        <translation>下一张 ▸</translation>
    </message>
    <message>
        <source>&amp;Previous photo</source>
        <translation>上一张照片(&amp;P)</translation>
    </message>
    <message>
        <source>Previous photo</source>
        <translation>上一张照片</translation>
    </message>
    <message>
        <source>◂ Previous</source>
        <translation>◂ 上一张</translation>
    </message>
    <message>
        <source>Next &amp;undecided</source>
        <translation>下一张未判定(&amp;U)</translation>
    </message>
    <message>
        <source>Next photo without a decision</source>
        <translation>下一张尚未判定的照片</translation>
    </message>
    <message>
        <source>Next undecided</source>
        <translation>下一张未判定</translation>
    </message>
    <message>
        <source>&amp;Find photo by name…</source>
        <translation>按名称查找照片(&amp;F)…</translation>
    </message>
    <message>
        <source>Search the photo list by file name</source>
        <translation>按文件名搜索照片列表</translation>
    </message>
    <message>
        <source>&amp;Confirm foreign body</source>
        <translation>确认异物(&amp;C)</translation>
    </message>
    <message>
        <source>Confirm: a foreign body is present</source>
        <translation>确认：存在异物</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>&amp;Reject false alarm</source>
        <translation>否决误报(&amp;R)</translation>
    </message>
    <message>
        <source>Reject: no foreign body, a false alarm</source>
        <translation>否决：没有异物，是误报</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>否决</translation>
    </message>
    <message>
        <source>&amp;Unsure</source>
        <translation>存疑(&amp;U)</translation>
    </message>
    <message>
        <source>Mark as unsure, for a second opinion</source>
        <translation>标为存疑，请他人再看</translation>
    </message>
    <message>
        <source>Unsure</source>
        <translation>存疑</translation>
    </message>
    <message>
        <source>&amp;Note…</source>
        <translation>备注(&amp;N)…</translation>
    </message>
    <message>
        <source>Write a note for this photo</source>
        <translation>为这张照片写备注</translation>
    </message>
    <message>
        <source>&amp;Undo last decision</source>
        <translation>撤销上一个判定(&amp;U)</translation>
    </message>
    <message>
        <source>Undo your last decision</source>
        <translation>撤销您的上一个判定</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Heatmap &amp;overlay</source>
        <translation>热力图叠加(&amp;O)</translation>
    </message>
    <message>
        <source>Show or hide the heatmap</source>
        <translation>显示或隐藏热力图</translation>
    </message>
    <message>
        <source>Heatmap</source>
        <translation>热力图</translation>
    </message>
    <message>
        <source>Region o&amp;utline</source>
        <translation>区域轮廓(&amp;U)</translation>
    </message>
    <message>
        <source>Show or hide region outlines</source>
        <translation>显示或隐藏区域轮廓</translation>
    </message>
    <message>
        <source>&amp;Fit to window</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <source>Fit the photo to the window</source>
        <translation>使照片适应窗口</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应</translation>
    </message>
    <message>
        <source>&amp;Actual size (1:1)</source>
        <translation>实际大小 (1:1)(&amp;A)</translation>
    </message>
    <message>
        <source>One photo pixel per screen pixel</source>
        <translation>照片像素与屏幕像素一比一</translation>
    </message>
    <message>
        <source>1:1</source>
        <translation>1:1</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom into the photo</source>
        <translation>放大照片</translation>
    </message>
    <message>
        <source>Zoom ou&amp;t</source>
        <translation>缩小(&amp;T)</translation>
    </message>
    <message>
        <source>Zoom out of the photo</source>
        <translation>缩小照片</translation>
    </message>
    <message>
        <source>Go to &amp;hottest spot</source>
        <translation>转到最热点(&amp;H)</translation>
    </message>
    <message>
        <source>Centre and zoom on the hottest part of the heatmap</source>
        <translation>以热力图最热处为中心放大</translation>
    </message>
    <message>
        <source>Hottest spot</source>
        <translation>最热点</translation>
    </message>
</context>
<context>
    <name>EngineController</name>
    <message>
        <source>Loading engine…</source>
        <translation>正在加载引擎…</translation>
    </message>
    <message>
        <source>Engine unavailable</source>
        <translation>引擎不可用</translation>
    </message>
    <message>
        <source>The scoring engine could not be loaded: {error}</source>
        <translation>无法加载评分引擎：{error}</translation>
    </message>
    <message>
        <source>Loading model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <source>Device: {device}</source>
        <translation>设备：{device}</translation>
    </message>
    <message>
        <source>Runtime: {runtime}</source>
        <translation>运行时：{runtime}</translation>
    </message>
    <message>
        <source>{name} not used: {reason}</source>
        <translation>未使用 {name}：{reason}</translation>
    </message>
    <message>
        <source>{device} (GPU out of memory)</source>
        <translation>{device}（GPU 显存不足）</translation>
    </message>
    <message>
        <source>Backbone runtime: {runtime}</source>
        <translation>骨干网络运行时：{runtime}</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>PDF document</source>
        <translation>PDF 文档</translation>
    </message>
    <message>
        <source>Web page (HTML)</source>
        <translation>网页 (HTML)</translation>
    </message>
    <message>
        <source>Table (CSV)</source>
        <translation>表格 (CSV)</translation>
    </message>
    <message>
        <source>Replace report?</source>
        <translation>替换报告？</translation>
    </message>
    <message>
        <source>{name} already exists in {folder}.
Replace it?</source>
        <translation>{folder} 中已有 {name}。
是否替换？</translation>
    </message>
    <message>
        <source>Export report</source>
        <translation>导出报告</translation>
    </message>
    <message>
        <source>Picture every flagged photo</source>
        <translation>为每张已标记照片附图</translation>
    </message>
    <message>
        <source>Add a picture of every flagged photo, not only of the confirmed and unsure ones</source>
        <translation>为每张已标记照片附图，而不仅是已确认和存疑的照片</translation>
    </message>
    <message>
        <source>Without it, only confirmed and unsure photos get a picture.</source>
        <translation>不勾选时，只有已确认和存疑的照片附图。</translation>
    </message>
    <message>
        <source>e.g. train set 4012, wagon 3</source>
        <translation>例如：动车组 4012，3 号车</translation>
    </message>
    <message>
        <source>depot or workshop</source>
        <translation>动车所或检修车间</translation>
    </message>
    <message>
        <source>printed under the signature field</source>
        <translation>打印在签字栏下方</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Unit / train set</source>
        <translation>车组 / 编组</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>地点</translation>
    </message>
    <message>
        <source>Inspection date</source>
        <translation>检查日期</translation>
    </message>
    <message>
        <source>Signed off by</source>
        <translation>签核人</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>The folder {folder} does not exist.</source>
        <translation>文件夹 {folder} 不存在。</translation>
    </message>
</context>
<context>
    <name>Glossary</name>
    <message>
        <source>foreign body</source>
        <extracomment>异物 — anything on the braking device that does not belong there; the thing the tool looks for</extracomment>
        <translation>异物</translation>
    </message>
    <message>
        <source>false alarm</source>
        <extracomment>误报 — a flagged photo a reviewer rejected: nothing is there</extracomment>
        <translation>误报</translation>
    </message>
    <message>
        <source>braking device</source>
        <extracomment>制动装置 — the braking equipment under an EMU car the photos show</extracomment>
        <translation>制动装置</translation>
    </message>
    <message>
        <source>EMU</source>
        <extracomment>动车组 — electric multiple unit, the high-speed train set being maintained</extracomment>
        <translation>动车组</translation>
    </message>
    <message>
        <source>threshold</source>
        <extracomment>阈值 — a score line; &quot;pass threshold&quot; 放行阈值, &quot;alarm threshold&quot; 报警阈值</extracomment>
        <translation>阈值</translation>
    </message>
    <message>
        <source>heatmap</source>
        <extracomment>热力图 — the per-pixel anomaly map drawn over a photo</extracomment>
        <translation>热力图</translation>
    </message>
    <message>
        <source>review</source>
        <extracomment>复核 — a person looking at a flagged photo and deciding; the reviewer is 复核员</extracomment>
        <translation>复核</translation>
    </message>
    <message>
        <source>reviewer</source>
        <extracomment>复核员 — the person who records decisions</extracomment>
        <translation>复核员</translation>
    </message>
    <message>
        <source>batch</source>
        <extracomment>批次 — one folder of photos inspected together</extracomment>
        <translation>批次</translation>
    </message>
    <message>
        <source>anomaly score</source>
        <extracomment>异常分数 — the model&apos;s score of a photo; higher is more likely a foreign body</extracomment>
        <translation>异常分数</translation>
    </message>
    <message>
        <source>catch rate</source>
        <extracomment>检出率 — share of confirmed foreign bodies that scored at or above the pass threshold</extracomment>
        <translation>检出率</translation>
    </message>
</context>
<context>
    <name>HelpController</name>
    <message>
        <source>Mouse wheel</source>
        <extracomment>Rows added to the F1 list for what the mouse does (actions only know their keys).</extracomment>
        <translation>鼠标滚轮</translation>
    </message>
    <message>
        <source>Zoom the photo in or out where the pointer is</source>
        <translation>以指针位置为中心缩放照片</translation>
    </message>
    <message>
        <source>Drag on the photo</source>
        <translation>在照片上拖动</translation>
    </message>
    <message>
        <source>Move the zoomed photo</source>
        <translation>移动放大后的照片</translation>
    </message>
    <message>
        <source>Click a thumbnail</source>
        <translation>单击缩略图</translation>
    </message>
    <message>
        <source>Show that photo</source>
        <translation>显示该照片</translation>
    </message>
    <message>
        <source>Drag the threshold line</source>
        <translation>拖动阈值线</translation>
    </message>
    <message>
        <source>Move the threshold; release to save it for the batch</source>
        <translation>移动阈值；松开后为本批次保存</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Finds foreign bodies on braking devices in inspection photos with a CSA-Flow anomaly model trained on photos without defects.</source>
        <translation>利用以无缺陷照片训练的 CSA-Flow 异常检测模型，在检查照片中查找制动装置上的异物。</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>{name} v{version} — {variant}, {backbone}, {size} px, threshold {threshold}</source>
        <translation>{name} v{version} — {variant}，{backbone}，{size} 像素，阈值 {threshold}</translation>
    </message>
    <message>
        <source>none loaded</source>
        <translation>未加载</translation>
    </message>
    <message>
        <source>loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>not loaded yet</source>
        <translation>尚未加载</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <source>Review log:</source>
        <translation>复核记录：</translation>
    </message>
</context>
<context>
    <name>ImageInspector</name>
    <message>
        <source>Open a batch folder to start (Ctrl+O)</source>
        <translation>打开一个批次文件夹开始 (Ctrl+O)</translation>
    </message>
    <message>
        <source>This photo cannot be shown</source>
        <translation>无法显示这张照片</translation>
    </message>
</context>
<context>
    <name>ImageListModel</name>
    <message>
        <source>All photos</source>
        <translation>全部照片</translation>
    </message>
    <message>
        <source>To review (alarm and review band)</source>
        <translation>待复核（报警区和复核带）</translation>
    </message>
    <message>
        <source>To review, undecided</source>
        <translation>待复核，未判定</translation>
    </message>
    <message>
        <source>Alarm</source>
        <translation>报警</translation>
    </message>
    <message>
        <source>Reviewed</source>
        <translation>已复核</translation>
    </message>
    <message>
        <source>Confirmed foreign bodies</source>
        <translation>已确认异物</translation>
    </message>
    <message>
        <source>Unsure</source>
        <translation>存疑</translation>
    </message>
    <message>
        <source>Unreadable or missing</source>
        <translation>无法读取或缺失</translation>
    </message>
    <message>
        <source>Highest score first</source>
        <translation>分数从高到低</translation>
    </message>
    <message>
        <source>File name</source>
        <translation>文件名</translation>
    </message>
    <message>
        <source>Newest photo first</source>
        <translation>最新照片在前</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>判定</translation>
    </message>
    <message>
        <source>click to expand (G)</source>
        <translation>点击展开 (G)</translation>
    </message>
    <message>
        <source>click to collapse (G)</source>
        <translation>点击折叠 (G)</translation>
    </message>
    <message>
        <source>photo missing since it was scored</source>
        <translation>评分后照片已缺失</translation>
    </message>
    <message>
        <source>photo modified since it was scored</source>
        <translation>评分后照片已被修改</translation>
    </message>
    <message>
        <source>photo changed since it was scored</source>
        <translation>评分后照片已更改</translation>
    </message>
    <message>
        <source>score {value}</source>
        <translation>分数 {value}</translation>
    </message>
    <message>
        <source>pass zone</source>
        <translation>放行区</translation>
    </message>
    <message>
        <source>review zone</source>
        <translation>复核带</translation>
    </message>
    <message>
        <source>alarm zone</source>
        <translation>报警区</translation>
    </message>
    <message>
        <source>unreadable: {error}</source>
        <translation>无法读取：{error}</translation>
    </message>
    <message>
        <source> by {name}</source>
        <translation>，复核员 {name}</translation>
    </message>
    <message>
        <source>note: {text}</source>
        <translation>备注：{text}</translation>
    </message>
</context>
<context>
    <name>ImproveModelDialog</name>
    <message>
        <source>Improve model from this review</source>
        <translation>用本次复核改进模型</translation>
    </message>
    <message>
        <source>Photos you rejected as false alarms are added to the normal photos of “{name}” and the model continues training from its current weights. Confirmed and unsure photos are never used. The current model stays in use until you accept the result.</source>
        <translation>您判为误报的照片将加入“{name}”的正常照片，模型从当前权重继续训练。已确认和存疑的照片绝不会被使用。在您接受结果之前，当前模型保持使用。</translation>
    </message>
    <message>
        <source>&lt;b&gt;{count}&lt;/b&gt; flagged photos rejected as false alarms in this review</source>
        <translation>本次复核中 &lt;b&gt;{count}&lt;/b&gt; 张已标记照片被判为误报</translation>
    </message>
    <message>
        <source>Also the {count} unflagged photos marked “not a defect”</source>
        <translation>同时使用 {count} 张标为“无缺陷”的未标记照片</translation>
    </message>
    <message>
        <source>Folder of the model&apos;s original good photos (recommended)</source>
        <translation>模型原始正常照片所在文件夹（推荐）</translation>
    </message>
    <message>
        <source>Epochs continued from the current weights</source>
        <translation>从当前权重继续训练的轮次</translation>
    </message>
    <message>
        <source>Learn from</source>
        <translation>学习来源</translation>
    </message>
    <message>
        <source>Original good photos</source>
        <translation>原始正常照片</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>训练轮次</translation>
    </message>
    <message>
        <source>Improve</source>
        <translation>改进</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Use improved model</source>
        <translation>使用改进后的模型</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>No rejected false alarm in this review yet: reject some flagged photos first.</source>
        <translation>本次复核中还没有判为误报的照片：请先将一些已标记照片判为误报。</translation>
    </message>
    <message>
        <source>Without them the model learns only the new photos and may forget the old ones.</source>
        <translation>不提供时，模型只学习新照片，可能会遗忘旧照片。</translation>
    </message>
    <message>
        <source>This folder does not exist.</source>
        <translation>该文件夹不存在。</translation>
    </message>
    <message>
        <source>{count} photos found; mixed in so the model keeps what it knew.</source>
        <translation>找到 {count} 张照片；将混入训练，使模型保留已学内容。</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>Done. Check the numbers below, then use the improved model or close to keep the current one.</source>
        <translation>完成。请核对下方数字，然后使用改进后的模型，或关闭以保留当前模型。</translation>
    </message>
    <message>
        <source>Done, but {count} confirmed foreign body would no longer be flagged.</source>
        <translation>完成，但有 {count} 个已确认异物将不再被标记。</translation>
    </message>
    <message>
        <source>Done, but {count} confirmed foreign bodies would no longer be flagged.</source>
        <translation>完成，但有 {count} 个已确认异物将不再被标记。</translation>
    </message>
    <message>
        <source>The model could not be improved</source>
        <translation>无法改进模型</translation>
    </message>
    <message>
        <source>Cancelled; the current model is unchanged</source>
        <translation>已取消；当前模型未改变</translation>
    </message>
    <message>
        <source>Flagged in this batch</source>
        <translation>本批次已标记</translation>
    </message>
    <message>
        <source>{before} before → &lt;b&gt;{after}&lt;/b&gt; after (of {count} photos)</source>
        <translation>之前 {before} → 之后 &lt;b&gt;{after}&lt;/b&gt;（共 {count} 张照片）</translation>
    </message>
    <message>
        <source>Confirmed foreign bodies still flagged</source>
        <translation>仍被标记的已确认异物</translation>
    </message>
    <message>
        <source>{done} of {total}</source>
        <translation>{done} / {total}</translation>
    </message>
    <message>
        <source>Confirmed foreign bodies</source>
        <translation>已确认异物</translation>
    </message>
    <message>
        <source>none in this review to check against</source>
        <translation>本次复核中没有可供核对的</translation>
    </message>
    <message>
        <source>Photos learnt</source>
        <translation>学习的照片</translation>
    </message>
    <message>
        <source> ({count} of them held out to set the threshold)</source>
        <translation>（其中 {count} 张留作设定阈值）</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>{before} → {after} (same target false-alarm rate, set on {count} held-out good photos)</source>
        <translation>{before} → {after}（目标误报率不变，基于 {count} 张留出的正常照片设定）</translation>
    </message>
    <message>
        <source>held below the calibrated {value} so every confirmed foreign body stays flagged</source>
        <translation>保持低于校准值 {value}，使每个已确认异物仍被标记</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>用时</translation>
    </message>
    <message>
        <source>{seconds} s, {epochs} epochs</source>
        <translation>{seconds} 秒，{epochs} 轮</translation>
    </message>
    <message>
        <source>No longer flagged:</source>
        <translation>不再被标记：</translation>
    </message>
    <message>
        <source>… and {count} more</source>
        <translation>… 以及另外 {count} 个</translation>
    </message>
    <message>
        <source>Skipped {count} photos:</source>
        <translation>跳过了 {count} 张照片：</translation>
    </message>
    <message>
        <source>Foreign bodies would be missed</source>
        <translation>将会漏检异物</translation>
    </message>
    <message>
        <source>The improved model would no longer flag {count} photo(s) you confirmed as foreign bodies. Use it anyway?</source>
        <translation>改进后的模型将不再标记 {count} 张您确认为异物的照片。仍要使用吗？</translation>
    </message>
    <message>
        <source>Model not saved</source>
        <translation>模型未保存</translation>
    </message>
    <message>
        <source>The improved model could not be saved to {path}:

{error}</source>
        <translation>无法将改进后的模型保存到 {path}：

{error}</translation>
    </message>
    <message>
        <source>Version {version} saved as {name} and now in use.</source>
        <translation>版本 {version} 已保存为 {name}，现已启用。</translation>
    </message>
</context>
<context>
    <name>JobDialog</name>
    <message>
        <source>Stop improving?</source>
        <translation>停止改进？</translation>
    </message>
    <message>
        <source>The model is still being improved. Stop it?</source>
        <translation>模型仍在改进中。要停止吗？</translation>
    </message>
    <message>
        <source>{seconds} s left</source>
        <translation>剩余 {seconds} 秒</translation>
    </message>
    <message>
        <source>{minutes} min {seconds} s left</source>
        <translation>剩余 {minutes} 分 {seconds} 秒</translation>
    </message>
    <message>
        <source>{hours} h {minutes} min left</source>
        <translation>剩余 {hours} 小时 {minutes} 分</translation>
    </message>
    <message>
        <source>Stop?</source>
        <translation>停止？</translation>
    </message>
    <message>
        <source>The job is still running. Stop it?</source>
        <translation>任务仍在运行。要停止吗？</translation>
    </message>
    <message>
        <source>Stopping after the current step…</source>
        <translation>当前步骤完成后停止…</translation>
    </message>
    <message>
        <source>{stage}: epoch {done} of {total}</source>
        <translation>{stage}：第 {done}/{total} 轮</translation>
    </message>
    <message>
        <source>{stage}: photo {done} of {total}</source>
        <translation>{stage}：第 {done}/{total} 张照片</translation>
    </message>
    <message>
        <source>loss {value}</source>
        <translation>损失 {value}</translation>
    </message>
    <message>
        <source>Stop training?</source>
        <translation>停止训练？</translation>
    </message>
    <message>
        <source>Training is still running. Stop it?</source>
        <translation>训练仍在进行。要停止吗？</translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The inspector shows the new language after a restart. Restart now? Your decisions are already saved.</source>
        <translation>重新启动后检查器将显示新的语言。现在重新启动吗？您的判定均已保存。</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System language ({name})</source>
        <translation>系统语言（{name}）</translation>
    </message>
</context>
<context>
    <name>Licenses</name>
    <message>
        <source>neural network engine</source>
        <extracomment>(distribution, what it does here, license when the metadata does not say)</extracomment>
        <translation>神经网络引擎</translation>
    </message>
    <message>
        <source>image operators for the backbone</source>
        <translation>骨干网络的图像算子</translation>
    </message>
    <message>
        <source>ImageNet backbones</source>
        <translation>ImageNet 骨干网络</translation>
    </message>
    <message>
        <source>EfficientNet-Lite0 ImageNet weights</source>
        <translation>EfficientNet-Lite0 ImageNet 权重</translation>
    </message>
    <message>
        <source>EfficientNet-Lite2 ImageNet weights</source>
        <translation>EfficientNet-Lite2 ImageNet 权重</translation>
    </message>
    <message>
        <source>invertible network blocks</source>
        <translation>可逆网络模块</translation>
    </message>
    <message>
        <source>backbone runtime on the CPU</source>
        <translation>CPU 上的骨干网络运行时</translation>
    </message>
    <message>
        <source>exported backbone graphs</source>
        <translation>导出的骨干网络计算图</translation>
    </message>
    <message>
        <source>backbone runtime on the CPU (optional)</source>
        <translation>CPU 上的骨干网络运行时（可选）</translation>
    </message>
    <message>
        <source>model file format</source>
        <translation>模型文件格式</translation>
    </message>
    <message>
        <source>arrays</source>
        <translation>数组</translation>
    </message>
    <message>
        <source>ROC and AUROC</source>
        <translation>ROC 与 AUROC</translation>
    </message>
    <message>
        <source>statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>image decoding and resizing</source>
        <translation>图像解码与缩放</translation>
    </message>
    <message>
        <source>image decoding</source>
        <translation>图像解码</translation>
    </message>
    <message>
        <source>Qt user interface</source>
        <translation>Qt 用户界面</translation>
    </message>
    <message>
        <source>Qt bindings runtime</source>
        <translation>Qt 绑定运行库</translation>
    </message>
    <message>
        <source>score histogram</source>
        <translation>分数直方图</translation>
    </message>
    <message>
        <source>PDF reports</source>
        <translation>PDF 报告</translation>
    </message>
    <message>
        <source>settings and data folders</source>
        <translation>设置与数据文件夹</translation>
    </message>
    <message>
        <source>progress bars</source>
        <translation>进度条</translation>
    </message>
</context>
<context>
    <name>ListTools</name>
    <message>
        <source>Search file name… (Ctrl+F)</source>
        <translation>搜索文件名… (Ctrl+F)</translation>
    </message>
    <message>
        <source>Order of the photo list</source>
        <translation>照片列表的排序</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>复核</translation>
    </message>
    <message>
        <source>Score histogram</source>
        <translation>分数直方图</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Photos at or above the pass line (alarm first, then the review band)</source>
        <translation>达到或高于放行线的照片（先报警，再复核带）</translation>
    </message>
    <message>
        <source>{name} [read-only]</source>
        <translation>{name} [只读]</translation>
    </message>
    <message>
        <source>Stop training?</source>
        <translation>停止训练？</translation>
    </message>
    <message>
        <source>A model is still being trained. Stop it and quit?</source>
        <translation>模型仍在训练中。要停止并退出吗？</translation>
    </message>
    <message>
        <source>Stopping background work…</source>
        <translation>正在停止后台任务…</translation>
    </message>
</context>
<context>
    <name>Menus</name>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Navigate</source>
        <translation>浏览(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Review</source>
        <translation>复核(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <extracomment>How much one press of + or - zooms.</extracomment>
        <translation>视图(&amp;V)</translation>
    </message>
</context>
<context>
    <name>ModelController</name>
    <message>
        <source>Open model file</source>
        <translation>打开模型文件</translation>
    </message>
    <message>
        <source>CSA Inspector models ({pattern});;All files (*)</source>
        <translation>CSA Inspector 模型 ({pattern});;所有文件 (*)</translation>
    </message>
    <message>
        <source>Loading model {name}…</source>
        <translation>正在加载模型 {name}…</translation>
    </message>
    <message>
        <source>{name} ({variant}, {size} px)</source>
        <translation>{name}（{variant}，{size} 像素）</translation>
    </message>
    <message>
        <source>Model {name} ready on {device}</source>
        <translation>模型 {name} 已在 {device} 上就绪</translation>
    </message>
    <message>
        <source>Review log</source>
        <translation>复核记录</translation>
    </message>
    <message>
        <source>The improved model is in use, but the batch log says:

{error}</source>
        <translation>改进后的模型已启用，但批次记录报告：

{error}</translation>
    </message>
    <message>
        <source>Model not loaded</source>
        <translation>模型未加载</translation>
    </message>
    <message>
        <source>The model {name} cannot be used:

{error}</source>
        <translation>无法使用模型 {name}：

{error}</translation>
    </message>
    <message>
        <source>Open a reviewed batch and its model first</source>
        <translation>请先打开已复核的批次及其模型</translation>
    </message>
    <message>
        <source>Choose a model first</source>
        <translation>请先选择模型</translation>
    </message>
</context>
<context>
    <name>ModelFile</name>
    <message>
        <source>model file not found: {path}</source>
        <translation>找不到模型文件：{path}</translation>
    </message>
    <message>
        <source>model path is a folder, not a model file: {path}</source>
        <translation>模型路径是文件夹，不是模型文件：{path}</translation>
    </message>
    <message>
        <source>cannot read model file {path}: {detail}</source>
        <translation>无法读取模型文件 {path}：{detail}</translation>
    </message>
    <message>
        <source>model file is empty: {path}</source>
        <translation>模型文件为空：{path}</translation>
    </message>
    <message>
        <source>not a CSA Inspector model file (or damaged/truncated): {path} ({detail})</source>
        <translation>不是 CSA Inspector 模型文件（或已损坏/不完整）：{path}（{detail}）</translation>
    </message>
    <message>
        <source>not a CSA Inspector model file: {path} (foreign safetensors file)</source>
        <translation>不是 CSA Inspector 模型文件：{path}（其他程序的 safetensors 文件）</translation>
    </message>
    <message>
        <source>model file {path} has format version {version}; this CSA Inspector reads up to {supported}, please update</source>
        <translation>模型文件 {path} 的格式版本为 {version}；此版本 CSA Inspector 最高只能读取 {supported}，请更新程序</translation>
    </message>
    <message>
        <source>damaged CSA Inspector model file {path}: missing or bad field {field}</source>
        <translation>CSA Inspector 模型文件 {path} 已损坏：字段 {field} 缺失或有误</translation>
    </message>
    <message>
        <source>model {name} asks for a patch memory it does not hold: retrain it</source>
        <translation>模型 {name} 需要其中并未包含的图块记忆库：请重新训练</translation>
    </message>
    <message>
        <source>model {name} has a patch memory of another backbone: retrain it</source>
        <translation>模型 {name} 的图块记忆库属于另一个骨干网络：请重新训练</translation>
    </message>
    <message>
        <source>model {name} was trained with backbone weights {trained}, but {loaded} are loaded: retrain it or provide the same weights</source>
        <translation>模型 {name} 是用骨干网络权重 {trained} 训练的，但当前加载的是 {loaded}：请重新训练，或提供相同的权重</translation>
    </message>
    <message>
        <source>model file {path} does not match its own configuration: {detail}</source>
        <translation>模型文件 {path} 与其自身配置不符：{detail}</translation>
    </message>
    <message>
        <source>model {name} has one threshold (made before pass and alarm thresholds): pass = {pass_threshold}, alarm derived as {alarm_threshold}; save the thresholds to keep them</source>
        <translation>模型 {name} 只有一个阈值（在区分放行阈值和报警阈值之前生成）：放行阈值 = {pass_threshold}，报警阈值推算为 {alarm_threshold}；保存阈值即可保留</translation>
    </message>
</context>
<context>
    <name>ModelLibraryModel</name>
    <message>
        <source>{name} (file)</source>
        <translation>{name}（文件）</translation>
    </message>
    <message>
        <source>version {version} of {count} is in use (Model ▸ Model versions…)</source>
        <translation>正在使用第 {version} 版，共 {count} 版（模型 ▸ 模型版本…）</translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Choose a model</source>
        <translation>选择模型</translation>
    </message>
    <message>
        <source>Model used to score the batch (one per inspection scenario)</source>
        <translation>用于给本批次评分的模型（每个检查场景一个）</translation>
    </message>
    <message>
        <source>Use a model file from another folder (Ctrl+M)</source>
        <translation>使用其他文件夹中的模型文件 (Ctrl+M)</translation>
    </message>
</context>
<context>
    <name>ModelVersionsDialog</name>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Learnt from reviews</source>
        <translation>从复核中学习</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>unreadable: {error}</source>
        <translation>无法读取：{error}</translation>
    </message>
    <message>
        <source>trained from good photos</source>
        <translation>由正常照片训练</translation>
    </message>
    <message>
        <source>{count} batch</source>
        <translation>{count} 个批次</translation>
    </message>
    <message>
        <source>{count} batches</source>
        <translation>{count} 个批次</translation>
    </message>
    <message>
        <source>; from v{version}</source>
        <translation>；源自 v{version}</translation>
    </message>
    <message>
        <source>{count} photos of {batches}</source>
        <translation>{batches}的 {count} 张照片</translation>
    </message>
    <message>
        <source>Versions of {name}</source>
        <translation>{name} 的版本</translation>
    </message>
    <message>
        <source>Each improvement from a review is saved as a new version; the older ones stay. Select a version and make it the one in use.</source>
        <translation>每次根据复核所做的改进都会保存为新版本，旧版本仍保留。选择一个版本并将其设为使用中。</translation>
    </message>
    <message>
        <source>Make active</source>
        <translation>设为使用中</translation>
    </message>
    <message>
        <source>in use</source>
        <translation>使用中</translation>
    </message>
    <message>
        <source>Version not changed</source>
        <translation>版本未更改</translation>
    </message>
    <message>
        <source>Cannot record the version in use:

{error}</source>
        <translation>无法记录正在使用的版本：

{error}</translation>
    </message>
</context>
<context>
    <name>OperatingPointDialog</name>
    <message>
        <source>n/a</source>
        <translation>不适用</translation>
    </message>
    <message>
        <source>no confirmed foreign bodies yet: the catch rate cannot be measured</source>
        <translation>尚无已确认异物：无法计算检出率</translation>
    </message>
    <message>
        <source>{caught} of {total} caught ({rate}; at least {bound} with {confidence} % confidence)</source>
        <translation>检出 {caught}/{total}（{rate}；置信度 {confidence} % 时至少 {bound}）</translation>
    </message>
    <message>
        <source>Operating point</source>
        <translation>工作点</translation>
    </message>
    <message>
        <source>Every photo at or above the &lt;b&gt;pass&lt;/b&gt; line goes before a person; photos at or above the &lt;b&gt;alarm&lt;/b&gt; line are shown first. Each foreign body a reviewer confirmed in the batches below is an example: one that scored below pass would have been missed. Drag the line in the curve to see what moving pass would change.</source>
        <translation>分数达到或高于&lt;b&gt;放行&lt;/b&gt;线的照片都交由人工复核；达到或高于&lt;b&gt;报警&lt;/b&gt;线的照片优先显示。下列批次中复核员确认的每个异物都是一个样例：分数低于放行线的异物将被漏检。拖动曲线中的线，查看移动放行线会带来什么变化。</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Only batches scored by versions of “{name}”</source>
        <translation>仅限由“{name}”各版本评分的批次</translation>
    </message>
    <message>
        <source>Only batches scored by versions of this model</source>
        <translation>仅限由本模型各版本评分的批次</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>未设定</translation>
    </message>
    <message>
        <source>reading the review logs…</source>
        <translation>正在读取复核记录…</translation>
    </message>
    <message>
        <source>Pass threshold</source>
        <translation>放行阈值</translation>
    </message>
    <message>
        <source>Alarm threshold</source>
        <translation>报警阈值</translation>
    </message>
    <message>
        <source>This batch</source>
        <translation>本批次</translation>
    </message>
    <message>
        <source>Foreign bodies caught</source>
        <translation>检出的异物</translation>
    </message>
    <message>
        <source>Photos to review</source>
        <translation>待复核照片</translation>
    </message>
    <message>
        <source>Missed</source>
        <translation>漏检</translation>
    </message>
    <message>
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>pass threshold</source>
        <translation>放行阈值</translation>
    </message>
    <message>
        <source>foreign bodies caught</source>
        <translation>检出的异物</translation>
    </message>
    <message>
        <source>caught, {confidence} % lower bound</source>
        <translation>检出率，{confidence} % 下限</translation>
    </message>
    <message>
        <source>photos to review</source>
        <translation>待复核照片</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>放行</translation>
    </message>
    <message>
        <source>Drag to see what another pass line would change</source>
        <translation>拖动以查看其他放行线会带来的变化</translation>
    </message>
    <message>
        <source>Use this pass line for the batch</source>
        <translation>本批次使用此放行线</translation>
    </message>
    <message>
        <source>Batches read (each folder and two levels below):</source>
        <translation>读取的批次（每个文件夹及其下两级）：</translation>
    </message>
    <message>
        <source>the review logs could not be read: {error}</source>
        <translation>无法读取复核记录：{error}</translation>
    </message>
    <message>
        <source>  (the batch uses {value})</source>
        <translation>（本批次使用 {value}）</translation>
    </message>
    <message>
        <source>no scored photos in these logs</source>
        <translation>这些记录中没有已评分的照片</translation>
    </message>
    <message>
        <source>{share} of {count} photos in past batches</source>
        <translation>以往批次 {count} 张照片中的 {share}</translation>
    </message>
    <message>
        <source> and {count} more</source>
        <translation> 以及另外 {count} 个</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>; scored with {models}</source>
        <translation>；评分模型：{models}</translation>
    </message>
    <message>
        <source> (different versions score on different scales: re-score older batches for a like-for-like estimate)</source>
        <translation>（不同版本的评分尺度不同：请重新为旧批次评分以获得可比的估计）</translation>
    </message>
    <message>
        <source>; {count} left out</source>
        <translation>；{count} 个未计入</translation>
    </message>
    <message>
        <source>{count} review log(s)</source>
        <translation>{count} 份复核记录</translation>
    </message>
    <message>
        <source>Folder of reviewed batches</source>
        <translation>已复核批次所在文件夹</translation>
    </message>
</context>
<context>
    <name>OverlayControls</name>
    <message>
        <source>Overlay</source>
        <extracomment>Same colour maps, in the same colours, as the pictures in reports.</extracomment>
        <translation>叠加</translation>
    </message>
    <message>
        <source>Heatmap</source>
        <translation>热力图</translation>
    </message>
    <message>
        <source>Show the anomaly heatmap over the photo (O)</source>
        <translation>在照片上叠加显示异常热力图 (O)</translation>
    </message>
    <message>
        <source>Outline</source>
        <translation>轮廓</translation>
    </message>
    <message>
        <source>Outline regions above the model&apos;s pixel threshold</source>
        <translation>勾勒超过模型像素阈值的区域</translation>
    </message>
    <message>
        <source>Heatmap opacity</source>
        <translation>热力图不透明度</translation>
    </message>
    <message>
        <source>Heatmap colours</source>
        <translation>热力图配色</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应</translation>
    </message>
    <message>
        <source>Fit the photo to the window (F)</source>
        <translation>使照片适应窗口 (F)</translation>
    </message>
    <message>
        <source>One photo pixel per screen pixel (1)</source>
        <translation>照片像素与屏幕像素一比一 (1)</translation>
    </message>
    <message>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
</context>
<context>
    <name>PathRow</name>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
</context>
<context>
    <name>PhotoController</name>
    <message>
        <source>{name} is no longer in the batch folder
(deleted or moved away); no decision can be recorded for it</source>
        <translation>{name} 已不在批次文件夹中
（已删除或移走）；无法为它记录判定</translation>
    </message>
    <message>
        <source>Loading {name}…</source>
        <translation>正在加载 {name}…</translation>
    </message>
    <message>
        <source>Every scored photo in this list has a decision</source>
        <translation>此列表中每张已评分照片都已判定</translation>
    </message>
</context>
<context>
    <name>PhotoGroups</name>
    <message>
        <source>(batch folder)</source>
        <translation>（批次文件夹）</translation>
    </message>
    <message>
        <source>{count} photo</source>
        <translation>{count} 张照片</translation>
    </message>
    <message>
        <source>{count} photos</source>
        <translation>{count} 张照片</translation>
    </message>
    <message>
        <source>{count} flagged</source>
        <translation>已标记 {count}</translation>
    </message>
    <message>
        <source>{count} reviewed</source>
        <translation>已复核 {count}</translation>
    </message>
    <message>
        <source>{count} not scored</source>
        <translation>未评分 {count}</translation>
    </message>
    <message>
        <source>{count} unreadable</source>
        <translation>无法读取 {count}</translation>
    </message>
</context>
<context>
    <name>Preload</name>
    <message>
        <source>Unreadable: {error}</source>
        <extracomment>Longest side shown; larger photos are reduced for display (the view still measures in photo pixels).</extracomment>
        <translation>无法读取：{error}</translation>
    </message>
    <message>
        <source>Cannot show {name}: {error}</source>
        <translation>无法显示 {name}：{error}</translation>
    </message>
    <message>
        <source>Cannot show this photo: {error}</source>
        <translation>无法显示这张照片：{error}</translation>
    </message>
</context>
<context>
    <name>Report</name>
    <message>
        <source>Foreign-body inspection report</source>
        <translation>异物检查报告</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>Flagged</source>
        <translation>已标记</translation>
    </message>
    <message>
        <source>Confirmed</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>误报</translation>
    </message>
    <message>
        <source>Unsure</source>
        <translation>存疑</translation>
    </message>
    <message>
        <source>Not reviewed</source>
        <translation>未复核</translation>
    </message>
    <message>
        <source>(batch folder)</source>
        <extracomment>the catch rate at this batch&apos;s pass threshold, measured on past reviews (None: not looked up)</extracomment>
        <translation>（批次文件夹）</translation>
    </message>
    <message>
        <source>Confirmed foreign bodies</source>
        <translation>已确认异物</translation>
    </message>
    <message>
        <source>Other flagged photos</source>
        <translation>其他已标记照片</translation>
    </message>
    <message>
        <source>not reviewed</source>
        <translation>未复核</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <source>modified</source>
        <translation>已修改</translation>
    </message>
    <message>
        <source>changed</source>
        <translation>已更改</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>不适用</translation>
    </message>
    <message>
        <source>unknown model</source>
        <translation>未知模型</translation>
    </message>
    <message>
        <source>input {size} px</source>
        <translation>输入 {size} 像素</translation>
    </message>
    <message>
        <source>no decisions yet</source>
        <translation>尚无判定</translation>
    </message>
    <message>
        <source>{first} to {last}</source>
        <translation>{first} 至 {last}</translation>
    </message>
    <message>
        <source>not given</source>
        <translation>未填写</translation>
    </message>
    <message>
        <source>Unit / train set</source>
        <translation>车组 / 编组</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>地点</translation>
    </message>
    <message>
        <source>Inspection date</source>
        <translation>检查日期</translation>
    </message>
    <message>
        <source>Batch folder</source>
        <translation>批次文件夹</translation>
    </message>
    <message>
        <source>Review period</source>
        <translation>复核时段</translation>
    </message>
    <message>
        <source>Reviewer(s)</source>
        <translation>复核员</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>暂无</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Report created</source>
        <translation>报告生成时间</translation>
    </message>
    <message>
        <source>folder not found</source>
        <translation>未找到文件夹</translation>
    </message>
    <message>
        <source> ({count} not scored yet)</source>
        <translation>（{count} 张尚未评分）</translation>
    </message>
    <message>
        <source>Photos in the batch folder</source>
        <translation>批次文件夹中的照片</translation>
    </message>
    <message>
        <source>Scored</source>
        <translation>已评分</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>not finished</source>
        <translation>未完成</translation>
    </message>
    <message>
        <source>Flagged by the model</source>
        <translation>模型标记</translation>
    </message>
    <message>
        <source>{count} ({share} of scored photos)</source>
        <translation>{count}（占已评分照片的 {share}）</translation>
    </message>
    <message>
        <source>Rejected false alarms</source>
        <translation>已否决的误报</translation>
    </message>
    <message>
        <source>Flagged, not yet reviewed</source>
        <translation>已标记、尚未复核</translation>
    </message>
    <message>
        <source>Unreadable files</source>
        <translation>无法读取的文件</translation>
    </message>
    <message>
        <source>Reviewed by a person</source>
        <translation>人工复核</translation>
    </message>
    <message>
        <source>{count} ({flagged} of flagged, {all} of all photos)</source>
        <translation>{count}（占已标记的 {flagged}，占全部照片的 {all}）</translation>
    </message>
    <message>
        <source>pass {value}</source>
        <translation>放行 {value}</translation>
    </message>
    <message>
        <source>alarm {value}</source>
        <translation>报警 {value}</translation>
    </message>
    <message>
        <source>pass zone</source>
        <translation>放行区</translation>
    </message>
    <message>
        <source>review zone</source>
        <translation>复核带</translation>
    </message>
    <message>
        <source>alarm zone</source>
        <translation>报警区</translation>
    </message>
    <message>
        <source>not estimated (no past review logs were read)</source>
        <translation>未估计（未读取以往的复核记录）</translation>
    </message>
    <message>
        <source>no confirmed foreign bodies yet (in {count} review log(s) of this model)</source>
        <translation>尚无已确认异物（本模型的 {count} 份复核记录中）</translation>
    </message>
    <message>
        <source> scored by {models}</source>
        <translation>，评分模型：{models}</translation>
    </message>
    <message>
        <source>{rate} % ({caught} of {total} confirmed foreign bodies scored at or above pass); at least {bound} % with 95 % confidence; from {count} review log(s)</source>
        <translation>{rate} %（{total} 个已确认异物中有 {caught} 个分数达到或高于放行线）；置信度 95 % 时至少 {bound} %；来自 {count} 份复核记录</translation>
    </message>
    <message>
        <source>Pass threshold</source>
        <translation>放行阈值</translation>
    </message>
    <message>
        <source>{value} (below it a photo is treated as normal)</source>
        <translation>{value}（低于此值的照片视为正常）</translation>
    </message>
    <message>
        <source>Alarm threshold</source>
        <translation>报警阈值</translation>
    </message>
    <message>
        <source>{value} (at or above it: very likely a foreign body)</source>
        <translation>{value}（达到或高于此值：极可能是异物）</translation>
    </message>
    <message>
        <source>not set (every photo at or above pass is in the review band)</source>
        <translation>未设定（达到或高于放行线的照片都在复核带内）</translation>
    </message>
    <message>
        <source>Photos a person must see</source>
        <translation>需人工查看的照片</translation>
    </message>
    <message>
        <source>{count} of {scored} scored ({share}): {alarm} alarm, {review} review band</source>
        <translation>已评分 {scored} 张中的 {count} 张（{share}）：报警 {alarm} 张，复核带 {review} 张</translation>
    </message>
    <message>
        <source>Catch rate from past reviews</source>
        <translation>以往复核得出的检出率</translation>
    </message>
    <message>
        <source>Share reviewed in past batches</source>
        <translation>以往批次的复核比例</translation>
    </message>
    <message>
        <source>{share} of {count} photos at this pass threshold</source>
        <translation>在此放行阈值下占 {count} 张照片的 {share}</translation>
    </message>
    <message>
        <source>Missed (confirmed below pass)</source>
        <translation>漏检（已确认但低于放行线）</translation>
    </message>
    <message>
        <source>{count} photo(s) of the folder are not scored yet</source>
        <translation>文件夹中有 {count} 张照片尚未评分</translation>
    </message>
    <message>
        <source>{count} of {flagged} flagged photos have not been reviewed yet</source>
        <translation>{flagged} 张已标记照片中有 {count} 张尚未复核</translation>
    </message>
    <message>
        <source>Review not finished: {reasons}. This report is provisional.</source>
        <translation>复核未完成：{reasons}。本报告为临时报告。</translation>
    </message>
    <message>
        <source>audit trail not checked</source>
        <translation>未校验审计记录</translation>
    </message>
    <message>
        <source>alarm</source>
        <translation>报警</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>放行</translation>
    </message>
    <message>
        <source>{count} photo(s) changed or disappeared after scoring; their scores and heatmaps may not match the files any more, and a decision made before a change no longer counts.</source>
        <translation>有 {count} 张照片在评分后被更改或消失；其分数和热力图可能与文件不再相符，更改前所做的判定不再有效。</translation>
    </message>
    <message>
        <source>I have reviewed the flagged photos of this batch; the decisions above are mine or were checked by me.</source>
        <translation>本人已复核本批次的已标记照片；以上判定由本人作出或经本人核查。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Signature</source>
        <translation>签名</translation>
    </message>
    <message>
        <source>hottest spot, full resolution</source>
        <translation>最热点，原始分辨率</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>分数</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>判定</translation>
    </message>
    <message>
        <source>Reviewer</source>
        <translation>复核员</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>None.</source>
        <translation>无。</translation>
    </message>
    <message>
        <source>Batch {path} - created {time}</source>
        <translation>批次 {path} - 生成于 {time}</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>概要</translation>
    </message>
    <message>
        <source>Per folder</source>
        <translation>按文件夹</translation>
    </message>
    <message>
        <source>Operating point</source>
        <translation>工作点</translation>
    </message>
    <message>
        <source>Left: the photo as taken; right: with the heatmap. Heatmap colours: blue = like the defect-free training photos, yellow to red = unusual. Green outline: region above the model&apos;s pixel threshold.</source>
        <translation>左：原始照片；右：叠加热力图。热力图颜色：蓝色 = 与无缺陷训练照片相似，黄色到红色 = 异常。绿色轮廓：超过模型像素阈值的区域。</translation>
    </message>
    <message>
        <source>Folder {name}</source>
        <translation>文件夹 {name}</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>None: every flagged photo has been reviewed.</source>
        <translation>无：所有已标记照片均已复核。</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Changed after scoring</source>
        <translation>评分后有更改</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>情况</translation>
    </message>
    <message>
        <source>Not scored yet</source>
        <translation>尚未评分</translation>
    </message>
    <message>
        <source>Renamed since scoring</source>
        <translation>评分后被重命名</translation>
    </message>
    <message>
        <source>Was</source>
        <translation>原名</translation>
    </message>
    <message>
        <source>Is now</source>
        <translation>现名</translation>
    </message>
    <message>
        <source>Threshold changes</source>
        <translation>阈值变更</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>Flagged photos</source>
        <translation>已标记照片</translation>
    </message>
    <message>
        <source>None: the model&apos;s threshold was used.</source>
        <translation>无：使用模型的阈值。</translation>
    </message>
    <message>
        <source>Sign-off</source>
        <translation>签核</translation>
    </message>
    <message>
        <source>page {number} of {total}</source>
        <translation>第 {number} 页，共 {total} 页</translation>
    </message>
    <message>
        <source>Batch {path}</source>
        <translation>批次 {path}</translation>
    </message>
    <message>
        <source>created {time}</source>
        <translation>生成于 {time}</translation>
    </message>
    <message>
        <source>photo not available: {error}</source>
        <extracomment>Wide enough to see a small foreign body on a printed A4 page, small enough to keep a 50-entry report light. Pixels between the plain photo and its overlay, white like the page. The close-up beside the photo: a full-resolution crop is shrunk to this side at most (never enlarged).</extracomment>
        <translation>照片不可用：{error}</translation>
    </message>
    <message>
        <source>the file changed after scoring; the heatmap may not match it</source>
        <translation>文件在评分后被更改；热力图可能与之不符</translation>
    </message>
    <message>
        <source>no heatmap stored</source>
        <translation>未存储热力图</translation>
    </message>
</context>
<context>
    <name>ReportController</name>
    <message>
        <source>Report written to {path}</source>
        <translation>报告已写入 {path}</translation>
    </message>
    <message>
        <source>Report not written</source>
        <translation>报告未写入</translation>
    </message>
    <message>
        <source>Writing {name}…</source>
        <translation>正在写入 {name}…</translation>
    </message>
</context>
<context>
    <name>ReviewController</name>
    <message>
        <source>Reviewer</source>
        <translation>复核员</translation>
    </message>
    <message>
        <source>Your name, recorded with each decision:</source>
        <translation>您的姓名，将随每个判定记录：</translation>
    </message>
    <message>
        <source>The batch is read-only: the {what} is not saved</source>
        <translation>批次为只读：{what}未保存</translation>
    </message>
    <message>
        <source>the batch is read-only</source>
        <translation>批次为只读</translation>
    </message>
    <message>
        <source>the photo is no longer in the folder</source>
        <translation>照片已不在文件夹中</translation>
    </message>
    <message>
        <source>this photo has no score yet</source>
        <translation>这张照片尚无分数</translation>
    </message>
    <message>
        <source>Cannot record a decision: {reason}</source>
        <translation>无法记录判定：{reason}</translation>
    </message>
    <message>
        <source>Decision not saved</source>
        <translation>判定未保存</translation>
    </message>
    <message>
        <source>The decision could not be saved:

{error}</source>
        <translation>无法保存判定：

{error}</translation>
    </message>
    <message>
        <source>Nothing to undo</source>
        <translation>没有可撤销的操作</translation>
    </message>
    <message>
        <source>Undo failed</source>
        <translation>撤销失败</translation>
    </message>
    <message>
        <source>Nothing left to undo</source>
        <translation>已无可撤销的操作</translation>
    </message>
    <message>
        <source>The note will be saved with your decision (C, R or U)</source>
        <translation>备注将随您的判定一起保存（C、R 或 U）</translation>
    </message>
    <message>
        <source>Note not saved</source>
        <translation>备注未保存</translation>
    </message>
    <message>
        <source>Note saved</source>
        <translation>备注已保存</translation>
    </message>
    <message>
        <source>Note kept. {hint}</source>
        <translation>备注已保留。{hint}</translation>
    </message>
    <message>
        <source>alarm threshold</source>
        <translation>报警阈值</translation>
    </message>
    <message>
        <source>threshold</source>
        <translation>阈值</translation>
    </message>
</context>
<context>
    <name>ReviewLog</name>
    <message>
        <source>batch folder {folder} does not exist</source>
        <translation>批次文件夹 {folder} 不存在</translation>
    </message>
    <message>
        <source>batch folder {folder} has no review log yet: {path} is empty (it was never written, e.g. the disk was full); score the batch to start one</source>
        <translation>批次文件夹 {folder} 还没有复核记录：{path} 是空的（从未写入，例如磁盘已满）；对该批次评分即可新建</translation>
    </message>
    <message>
        <source>batch folder {folder} has no review log yet (it has not been scored)</source>
        <translation>批次文件夹 {folder} 还没有复核记录（尚未评分）</translation>
    </message>
    <message>
        <source>batch folder {folder} has no review log to open read-only</source>
        <translation>批次文件夹 {folder} 没有可只读打开的复核记录</translation>
    </message>
    <message>
        <source>{path} is not a file</source>
        <translation>{path} 不是文件</translation>
    </message>
    <message>
        <source>review log {path} does not exist</source>
        <translation>复核记录 {path} 不存在</translation>
    </message>
    <message>
        <source>{path} is not a review log (not an SQLite database); it was left untouched</source>
        <translation>{path} 不是复核记录（不是 SQLite 数据库）；未对其做任何改动</translation>
    </message>
    <message>
        <source>opened read-only on request</source>
        <translation>按要求以只读方式打开</translation>
    </message>
    <message>
        <source>the file is read-only</source>
        <translation>文件为只读</translation>
    </message>
    <message>
        <source>its folder {folder} is read-only</source>
        <translation>所在文件夹 {folder} 为只读</translation>
    </message>
    <message>
        <source>cannot create review log {path}: {reason}</source>
        <translation>无法创建复核记录 {path}：{reason}</translation>
    </message>
    <message>
        <source>review log {path} is an empty file (it was never written)</source>
        <translation>复核记录 {path} 是空文件（从未写入）</translation>
    </message>
    <message>
        <source>cannot create review log {path}: it is read-only</source>
        <translation>无法创建复核记录 {path}：它是只读的</translation>
    </message>
    <message>
        <source>{path} is an SQLite file but not a CSA Inspector review log; it was left untouched</source>
        <translation>{path} 是 SQLite 文件，但不是 CSA Inspector 复核记录；未对其做任何改动</translation>
    </message>
    <message>
        <source>review log {path} was written by a newer CSA Inspector (format {version}); update the program to open it</source>
        <translation>复核记录 {path} 由较新版本的 CSA Inspector 写入（格式 {version}）；请更新程序后再打开</translation>
    </message>
    <message>
        <source>review log {path} is damaged ({detail}); it was left untouched, restore it from a backup</source>
        <translation>复核记录 {path} 已损坏（{detail}）；未对其做任何改动，请从备份恢复</translation>
    </message>
    <message>
        <source>review log {path} is read-only ({reason}); changes cannot be saved</source>
        <translation>复核记录 {path} 为只读（{reason}）；无法保存更改</translation>
    </message>
    <message>
        <source>{path} is not part of this batch&apos;s review log</source>
        <translation>{path} 不在本批次的复核记录中</translation>
    </message>
    <message>
        <source>review log {path} is busy: another program is writing to it; try again in a moment</source>
        <translation>复核记录 {path} 正忙：另一个程序正在写入；请稍后再试</translation>
    </message>
    <message>
        <source>review log {path} is read-only; changes cannot be saved</source>
        <translation>复核记录 {path} 为只读；无法保存更改</translation>
    </message>
    <message>
        <source>cannot open review log {path} ({detail})</source>
        <translation>无法打开复核记录 {path}（{detail}）</translation>
    </message>
    <message>
        <source>cannot save to review log {path}: the disk is full</source>
        <translation>无法保存到复核记录 {path}：磁盘已满</translation>
    </message>
    <message>
        <source>review log {path}: {detail}</source>
        <translation>复核记录 {path}：{detail}</translation>
    </message>
    <message>
        <source>alarm threshold must be a finite number, got {value}</source>
        <translation>报警阈值必须是有限数值，收到的是 {value}</translation>
    </message>
    <message>
        <source>threshold must be a finite number, got {value}</source>
        <translation>阈值必须是有限数值，收到的是 {value}</translation>
    </message>
    <message>
        <source>cannot store the heatmap of {photo}: {detail}</source>
        <translation>无法保存 {photo} 的热力图：{detail}</translation>
    </message>
    <message>
        <source>{photo} is not part of this batch&apos;s review log; score it first</source>
        <translation>{photo} 不在本批次的复核记录中；请先评分</translation>
    </message>
    <message>
        <source>{photo} is now listed as {listed}; decide on that photo</source>
        <translation>{photo} 现已记为 {listed}；请对那张照片做出决定</translation>
    </message>
</context>
<context>
    <name>ReviewMessages</name>
    <message>
        <source>Nothing recorded: a reviewer name is needed, it is saved with every decision (File ▸ Change reviewer…)</source>
        <extracomment>Names listed in a status message; more are counted.</extracomment>
        <translation>未记录：需要复核员姓名，它会随每个判定一起保存（文件 ▸ 更换复核员…）</translation>
    </message>
    <message>
        <source>not reviewed</source>
        <translation>未复核</translation>
    </message>
    <message>
        <source>; the note is “{note}” again</source>
        <translation>；备注恢复为“{note}”</translation>
    </message>
    <message>
        <source>Undid the note on {name}: it stays “{decision}”</source>
        <translation>已撤销 {name} 的备注：判定仍为“{decision}”</translation>
    </message>
    <message>
        <source>Undid the repeated “{undone}” on {name}: it stays “{decision}”</source>
        <translation>已撤销 {name} 上重复的“{undone}”：判定仍为“{decision}”</translation>
    </message>
    <message>
        <source>Undid “{undone}” on {name}: not reviewed again</source>
        <translation>已撤销 {name} 的“{undone}”：恢复为未复核</translation>
    </message>
    <message>
        <source>Undid “{undone}” on {name}: back to “{decision}”</source>
        <translation>已撤销 {name} 的“{undone}”：恢复为“{decision}”</translation>
    </message>
    <message>
        <source> and {count} more</source>
        <translation> 以及另外 {count} 个</translation>
    </message>
    <message>
        <source>Scored {count} photos</source>
        <translation>已为 {count} 张照片评分</translation>
    </message>
    <message>
        <source>; {count} photo missing from the folder was not scored: {names}</source>
        <translation>；文件夹中缺失的 {count} 张照片未评分：{names}</translation>
    </message>
    <message>
        <source>; {count} photos missing from the folder were not scored: {names}</source>
        <translation>；文件夹中缺失的 {count} 张照片未评分：{names}</translation>
    </message>
    <message>
        <source>{name} was deleted or moved away while the batch is open: its score and decision are kept in the review log, but no decision can be recorded for it</source>
        <translation>批次打开期间 {name} 已被删除或移走：其分数和判定保留在复核记录中，但无法再为它记录判定</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>不适用</translation>
    </message>
    <message>
        <source>{flagged} of {total} to review ({share}: {alarm} alarm)</source>
        <translation>{total} 张中 {flagged} 张待复核（{share}：报警 {alarm} 张）</translation>
    </message>
    <message>
        <source>{workload}, {count} reviewed</source>
        <translation>{workload}，已复核 {count} 张</translation>
    </message>
    <message>
        <source>, {count} not scored</source>
        <translation>，未评分 {count} 张</translation>
    </message>
    <message>
        <source>, {count} unreadable</source>
        <translation>，无法读取 {count} 张</translation>
    </message>
</context>
<context>
    <name>ReviewPanel</name>
    <message>
        <source>Anomaly score</source>
        <extracomment>side of the hottest-spot close-up in the panel, in screen pixels</extracomment>
        <translation>异常分数</translation>
    </message>
    <message>
        <source>Not reviewed</source>
        <translation>未复核</translation>
    </message>
    <message>
        <source>Note… (Ctrl+N)</source>
        <translation>备注… (Ctrl+N)</translation>
    </message>
    <message>
        <source>Enter saves the note; Esc or Tab returns the keys to the photo</source>
        <translation>Enter 保存备注；Esc 或 Tab 将按键交还给照片</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>判定</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>Hottest spot (H)</source>
        <translation>最热点 (H)</translation>
    </message>
    <message>
        <source>Not saved yet: Enter saves the note</source>
        <translation>尚未保存：按 Enter 保存备注</translation>
    </message>
    <message>
        <source>Not saved yet: it is saved with your decision (C, R or U)</source>
        <translation>尚未保存：将随您的判定一起保存（C、R 或 U）</translation>
    </message>
    <message>
        <source>No photo selected</source>
        <translation>未选择照片</translation>
    </message>
    <message>
        <source>PASS</source>
        <translation>放行</translation>
    </message>
    <message>
        <source>pass {value}</source>
        <translation>放行 {value}</translation>
    </message>
    <message>
        <source>alarm {value}</source>
        <translation>报警 {value}</translation>
    </message>
    <message>
        <source>pass zone</source>
        <translation>放行区</translation>
    </message>
    <message>
        <source>review band</source>
        <translation>复核带</translation>
    </message>
    <message>
        <source>alarm zone</source>
        <translation>报警区</translation>
    </message>
    <message>
        <source>no threshold set</source>
        <translation>未设定阈值</translation>
    </message>
    <message>
        <source> by {name}</source>
        <translation>，复核员 {name}</translation>
    </message>
    <message>
        <source>Score the photo before deciding</source>
        <translation>请先评分再判定</translation>
    </message>
    <message>
        <source>Unreadable: {error}</source>
        <translation>无法读取：{error}</translation>
    </message>
    <message>
        <source>The photo is no longer in the batch folder; its score and any decision stay in the review log.</source>
        <translation>这张照片已不在批次文件夹中；其分数和判定保留在复核记录中。</translation>
    </message>
    <message>
        <source>The photo was changed after scoring; its score and heatmap are out of date.</source>
        <translation>这张照片在评分后被更改；其分数和热力图已过时。</translation>
    </message>
    <message>
        <source>{width} × {height} px</source>
        <translation>{width} × {height} 像素</translation>
    </message>
</context>
<context>
    <name>RuntimeMenu</name>
    <message>
        <source>Automatic (fastest that matches PyTorch)</source>
        <translation>自动（与 PyTorch 结果一致的最快者）</translation>
    </message>
    <message>
        <source>Backbone &amp;runtime</source>
        <translation>骨干网络运行时(&amp;R)</translation>
    </message>
    <message>
        <source>Checked against PyTorch on every load; if it differs, PyTorch runs. CUDA always runs PyTorch.</source>
        <translation>每次加载时与 PyTorch 比对；如有差异则使用 PyTorch。CUDA 始终使用 PyTorch。</translation>
    </message>
</context>
<context>
    <name>ScoreHistogram</name>
    <message>
        <source>anomaly score</source>
        <translation>异常分数</translation>
    </message>
    <message>
        <source>photos</source>
        <translation>照片数</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>放行</translation>
    </message>
    <message>
        <source>Pass line: drag to change it; every photo at or above it goes before a person</source>
        <translation>放行线：拖动以更改；达到或高于此线的照片都交由人工复核</translation>
    </message>
    <message>
        <source>alarm</source>
        <translation>报警</translation>
    </message>
    <message>
        <source>Alarm line: drag to change it; photos at or above it are shown first, as very likely foreign bodies</source>
        <translation>报警线：拖动以更改；达到或高于此线的照片作为极可能的异物优先显示</translation>
    </message>
    <message>
        <source>No scores yet</source>
        <translation>尚无分数</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>review</source>
        <translation>复核</translation>
    </message>
    <message>
        <source>Save thresholds to model</source>
        <translation>将阈值保存到模型</translation>
    </message>
    <message>
        <source>Write the pass and alarm lines into the model file so future batches use them</source>
        <translation>将放行线和报警线写入模型文件，供以后的批次使用</translation>
    </message>
    <message>
        <source>pass </source>
        <translation>放行 </translation>
    </message>
    <message>
        <source>Type the pass threshold, or step it with the arrow keys</source>
        <translation>输入放行阈值，或用方向键逐步调整</translation>
    </message>
</context>
<context>
    <name>ScoringController</name>
    <message>
        <source>{count} photos are not scored yet: choose a model to score them</source>
        <translation>有 {count} 张照片尚未评分：请选择模型为其评分</translation>
    </message>
    <message>
        <source>Cannot score</source>
        <translation>无法评分</translation>
    </message>
    <message>
        <source>Scoring cancelled; the scores so far are kept</source>
        <translation>评分已取消；已有的分数保留</translation>
    </message>
    <message>
        <source>Scoring</source>
        <translation>正在评分</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Scoring · {time_left}</source>
        <translation>正在评分 · {time_left}</translation>
    </message>
    <message>
        <source>Scoring stopped</source>
        <translation>评分已停止</translation>
    </message>
    <message>
        <source>Scoring stopped with an error:

{error}

The scores so far are kept.</source>
        <translation>评分因错误停止：

{error}

已有的分数保留。</translation>
    </message>
</context>
<context>
    <name>ThresholdController</name>
    <message>
        <source>No batch open</source>
        <translation>未打开批次</translation>
    </message>
    <message>
        <source>Pass {value}</source>
        <translation>放行 {value}</translation>
    </message>
    <message>
        <source>alarm {value}</source>
        <translation>报警 {value}</translation>
    </message>
    <message>
        <source>To see: {workload}</source>
        <translation>待查看：{workload}</translation>
    </message>
    <message>
        <source>Alarm threshold not saved</source>
        <translation>报警阈值未保存</translation>
    </message>
    <message>
        <source>Alarm threshold {value}: {count} photos in alarm</source>
        <translation>报警阈值 {value}：{count} 张照片处于报警</translation>
    </message>
    <message>
        <source>Threshold not saved</source>
        <translation>阈值未保存</translation>
    </message>
    <message>
        <source> and {count} more</source>
        <translation> 以及另外 {count} 个</translation>
    </message>
    <message>
        <source>Warning: pass {value} lies above {count} confirmed foreign body of this batch ({names}): photos like it would not be sent to review</source>
        <translation>警告：放行阈值 {value} 高于本批次 {count} 个已确认异物（{names}）：类似照片将不会送交复核</translation>
    </message>
    <message>
        <source>Warning: pass {value} lies above {count} confirmed foreign bodies of this batch ({names}): photos like them would not be sent to review</source>
        <translation>警告：放行阈值 {value} 高于本批次 {count} 个已确认异物（{names}）：类似照片将不会送交复核</translation>
    </message>
    <message>
        <source>Pass threshold {value}: {count} photos to review</source>
        <translation>放行阈值 {value}：{count} 张照片待复核</translation>
    </message>
    <message>
        <source>Save threshold</source>
        <translation>保存阈值</translation>
    </message>
    <message>
        <source>Choose the model first; its file receives the threshold.</source>
        <translation>请先选择模型；阈值将写入其文件。</translation>
    </message>
    <message>
        <source>Wait until scoring has finished</source>
        <translation>请等待评分完成</translation>
    </message>
    <message>
        <source> (now {value})</source>
        <translation>（当前为 {value}）</translation>
    </message>
    <message>
        <source> and alarm {value}</source>
        <translation>和报警阈值 {value}</translation>
    </message>
    <message>
        <source>Use pass {value}{now}{alarm} for every future batch scored with “{model}”?</source>
        <translation>以后用“{model}”评分的每个批次都使用放行阈值 {value}{now}{alarm}吗？</translation>
    </message>
    <message>
        <source>Warning: this pass line lies above {count} confirmed foreign body of this batch ({names}). Future photos like these would not be sent to review.</source>
        <translation>警告：此放行线高于本批次 {count} 个已确认异物（{names}）。以后类似的照片将不会送交复核。</translation>
    </message>
    <message>
        <source>Warning: this pass line lies above {count} confirmed foreign bodies of this batch ({names}). Future photos like these would not be sent to review.</source>
        <translation>警告：此放行线高于本批次 {count} 个已确认异物（{names}）。以后类似的照片将不会送交复核。</translation>
    </message>
    <message>
        <source>Save thresholds to model</source>
        <translation>将阈值保存到模型</translation>
    </message>
    <message>
        <source>Pass {value}{alarm} saved to {name}</source>
        <translation>放行阈值 {value}{alarm}已保存到 {name}</translation>
    </message>
    <message>
        <source>Open a scored batch first</source>
        <translation>请先打开已评分的批次</translation>
    </message>
</context>
<context>
    <name>ThumbnailDelegate</name>
    <message>
        <source>unreadable</source>
        <translation>无法读取</translation>
    </message>
</context>
<context>
    <name>ThumbnailPanel</name>
    <message>
        <source>All folders</source>
        <translation>全部文件夹</translation>
    </message>
    <message>
        <source>Which photos to list</source>
        <translation>列出哪些照片</translation>
    </message>
    <message>
        <source>List the photos of one folder only (Shift+G: the folder of this photo)</source>
        <translation>只列出一个文件夹的照片（Shift+G：本照片所在文件夹）</translation>
    </message>
    <message>
        <source>No batch open</source>
        <translation>未打开批次</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Collapse or expand this photo&apos;s folder</source>
        <translation>折叠或展开本照片所在文件夹</translation>
    </message>
    <message>
        <source>List only this photo&apos;s folder, or all folders again</source>
        <translation>只列出本照片所在文件夹，或重新列出全部文件夹</translation>
    </message>
    <message>
        <source>Expand all folders</source>
        <translation>展开全部文件夹</translation>
    </message>
    <message>
        <source>{folder} — {flagged} flagged, {reviewed} reviewed</source>
        <translation>{folder} — 已标记 {flagged}，已复核 {reviewed}</translation>
    </message>
    <message>
        <source>Expand {folder}</source>
        <translation>展开 {folder}</translation>
    </message>
    <message>
        <source>Collapse {folder}</source>
        <translation>折叠 {folder}</translation>
    </message>
    <message>
        <source>List only {folder}</source>
        <translation>只列出 {folder}</translation>
    </message>
    <message>
        <source>List all folders</source>
        <translation>列出全部文件夹</translation>
    </message>
    <message>
        <source>{count} shown</source>
        <translation>显示 {count}</translation>
    </message>
</context>
<context>
    <name>TrainDialog</name>
    <message>
        <source>EfficientNet-Lite0 (fast)</source>
        <extracomment>Backbones whose weights ship with the application (no download needed on a depot workstation).</extracomment>
        <translation>EfficientNet-Lite0（快速）</translation>
    </message>
    <message>
        <source>EfficientNet-Lite2 (more detail)</source>
        <translation>EfficientNet-Lite2（更多细节）</translation>
    </message>
    <message>
        <source>CS-Flow + channel attention</source>
        <translation>CS-Flow + 通道注意力</translation>
    </message>
    <message>
        <source>CS-Flow + spatial attention</source>
        <translation>CS-Flow + 空间注意力</translation>
    </message>
    <message>
        <source>CSA-Flow (both attentions)</source>
        <translation>CSA-Flow（两种注意力）</translation>
    </message>
    <message>
        <source>Train a new model</source>
        <translation>训练新模型</translation>
    </message>
    <message>
        <source>e.g. bogie-left-disc</source>
        <translation>例如：bogie-left-disc</translation>
    </message>
    <message>
        <source>Folder with photos that show no foreign body</source>
        <translation>无异物照片所在文件夹</translation>
    </message>
    <message>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <source>Scenario name</source>
        <translation>场景名称</translation>
    </message>
    <message>
        <source>Good photos</source>
        <translation>正常照片</translation>
    </message>
    <message>
        <source>Variant</source>
        <translation>变体</translation>
    </message>
    <message>
        <source>Backbone</source>
        <translation>骨干网络</translation>
    </message>
    <message>
        <source>Image size</source>
        <translation>图像尺寸</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>训练轮次</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Cancel training</source>
        <translation>取消训练</translation>
    </message>
    <message>
        <source>Folder with good photos</source>
        <translation>正常照片所在文件夹</translation>
    </message>
    <message>
        <source>This folder does not exist</source>
        <translation>该文件夹不存在</translation>
    </message>
    <message>
        <source>{count} photos found</source>
        <translation>找到 {count} 张照片</translation>
    </message>
    <message>
        <source>Goes into the model library as “{name}” ({folder})</source>
        <translation>将以“{name}”存入模型库（{folder}）</translation>
    </message>
    <message>
        <source>Replace model?</source>
        <translation>替换模型？</translation>
    </message>
    <message>
        <source>A model named “{name}” is already in the library. Replace it?</source>
        <translation>模型库中已有名为“{name}”的模型。是否替换？</translation>
    </message>
    <message>
        <source>Loading the engine…</source>
        <translation>正在加载引擎…</translation>
    </message>
    <message>
        <source>{count} good photos, {epochs} epochs</source>
        <translation>{count} 张正常照片，{epochs} 轮</translation>
    </message>
    <message>
        <source>Model “{name}” is ready and selected.</source>
        <translation>模型“{name}”已就绪并已选用。</translation>
    </message>
    <message>
        <source>Training failed</source>
        <translation>训练失败</translation>
    </message>
    <message>
        <source>Training cancelled; nothing was saved</source>
        <translation>训练已取消；未保存任何内容</translation>
    </message>
</context>
<context>
    <name>TrainingLikeness</name>
    <message>
        <source> (the model&apos;s held-out normal photos: median {median}, highest {highest})</source>
        <translation>（模型留出的正常照片：中位数 {median}，最高 {highest}）</translation>
    </message>
    <message>
        <source>This batch looks unlike the photos the model was trained on: {flagged} of {scored} photos score above the threshold, the median photo at {ratio} x the threshold{held}. The red areas may only mean &quot;different from the training photos&quot;: check that the right model is used for these photos before trusting the flags.</source>
        <translation>本批次照片与模型训练所用的照片差别很大：{scored} 张照片中有 {flagged} 张的异常分数高于阈值，中位数照片达到阈值的 {ratio} 倍{held}。红色区域可能只表示“与训练照片不同”：在相信这些标记之前，请确认这些照片用的是正确的模型。</translation>
    </message>
</context>
<context>
    <name>Vocabulary</name>
    <message>
        <source>confirmed foreign body</source>
        <extracomment>Translation context under which every label below is collected. Every value the review log&apos;s ``decision`` column accepts, in the order of its CHECK constraint. How reports and spreadsheets name a decision.</extracomment>
        <translation>确认为异物</translation>
    </message>
    <message>
        <source>rejected (false alarm)</source>
        <translation>已否决（误报）</translation>
    </message>
    <message>
        <source>unsure</source>
        <translation>存疑</translation>
    </message>
    <message>
        <source>foreign body</source>
        <extracomment>How the inspector&apos;s status messages name a decision (&quot;Undid “false alarm” on …&quot;).</extracomment>
        <translation>异物</translation>
    </message>
    <message>
        <source>false alarm</source>
        <translation>误报</translation>
    </message>
    <message>
        <source>FOREIGN BODY</source>
        <extracomment>Decisions in the order a reviewer works through them: open questions first, settled ones last. The badge the inspector draws on a photo, by status or decision; a photo below pass carries none.</extracomment>
        <translation>异物</translation>
    </message>
    <message>
        <source>FALSE ALARM</source>
        <translation>误报</translation>
    </message>
    <message>
        <source>UNSURE</source>
        <translation>存疑</translation>
    </message>
    <message>
        <source>ALARM</source>
        <translation>报警</translation>
    </message>
    <message>
        <source>REVIEW</source>
        <translation>复核</translation>
    </message>
    <message>
        <source>UNREADABLE</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <source>MISSING</source>
        <translation>缺失</translation>
    </message>
    <message>
        <source>CHANGED</source>
        <translation>已更改</translation>
    </message>
    <message>
        <source>NOT SCORED</source>
        <translation>未评分</translation>
    </message>
    <message>
        <source>Reading photos</source>
        <extracomment>What a job&apos;s dialog says it is doing.</extracomment>
        <translation>正在读取照片</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>正在训练</translation>
    </message>
    <message>
        <source>Setting the threshold</source>
        <translation>正在设定阈值</translation>
    </message>
    <message>
        <source>Scoring</source>
        <translation>正在评分</translation>
    </message>
    <message>
        <source>Extracting features</source>
        <extracomment>What the training dialog says instead, where a new model is built from scratch.</extracomment>
        <translation>正在提取特征</translation>
    </message>
    <message>
        <source>Calibrating threshold</source>
        <translation>正在校准阈值</translation>
    </message>
    <message>
        <source>Checking the batch with the improved model</source>
        <extracomment>What the improve dialog says while it checks the batch again.</extracomment>
        <translation>正在用改进后的模型检查本批次</translation>
    </message>
</context>
<context>
    <name>Workers</name>
    <message>
        <source>Scoring…</source>
        <translation>正在评分…</translation>
    </message>
</context>
</TS>
