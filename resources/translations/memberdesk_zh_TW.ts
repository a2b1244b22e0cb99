<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_TW">
<context>
    <name />
    <message>
        <source>Day-end report</source>
        <translation>日結報表</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>儀表盤</translation>
    </message>
    <message>
        <source>Day &amp; shift close</source>
        <translation>日結與交班</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Loyalty program</source>
        <translation>會員方案</translation>
    </message>
    <message>
        <source>Coupons</source>
        <translation>代金券</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>員工</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>印表機</translation>
    </message>
    <message>
        <source>Sync to head office</source>
        <translation>同步到總部</translation>
    </message>
    <message>
        <source>Backups</source>
        <translation>備份</translation>
    </message>
    <message>
        <source>Import / export</source>
        <translation>匯入匯出</translation>
    </message>
    <message>
        <source>Shop &amp; language</source>
        <translation>店鋪與語言</translation>
    </message>
    <message>
        <source>Discount limits</source>
        <translation>折扣權限</translation>
    </message>
    <message>
        <source>Changes not saved</source>
        <translation>修改未儲存</translation>
    </message>
    <message>
        <source>This page has changes that are not saved. Leave it and lose them?</source>
        <translation>本頁的修改還沒有儲存。離開本頁，這些修改就會丟失，仍要離開嗎？</translation>
    </message>
    <message>
        <source>Stay and save them</source>
        <translation>留在本頁儲存</translation>
    </message>
    <message>
        <source>Leave without saving</source>
        <translation>不儲存，離開</translation>
    </message>
    <message>
        <source>Back up now</source>
        <translation>立即備份</translation>
    </message>
    <message>
        <source>Restore the chosen backup…</source>
        <translation>恢復所選備份…</translation>
    </message>
    <message>
        <source>Choose a backup in the list first</source>
        <translation>請先在列表中選一個備份</translation>
    </message>
    <message>
        <source>Restore from a file…</source>
        <translation>從檔案恢復…</translation>
    </message>
    <message>
        <source>Check the data</source>
        <translation>檢查資料</translation>
    </message>
    <message>
        <source>The file, the balances against their ledgers, and every record against the sync journal</source>
        <translation>檢查資料庫檔案、各項餘額與流水是否一致、每條記錄與同步日誌是否一致</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>File</source>
        <translation>檔案</translation>
    </message>
    <message>
        <source>Taken</source>
        <translation>備份時間</translation>
    </message>
    <message>
        <source>Also copy to a folder…</source>
        <translation>同時複製到資料夾…</translation>
    </message>
    <message>
        <source>Stop copying there</source>
        <translation>不再複製到那裡</translation>
    </message>
    <message>
        <source>Backups are kept in one place only; a second copy on a USB stick or a synced folder survives a broken disk.</source>
        <translation>備份目前只存在一個地方；在 U 盤或同步資料夾裡再存一份，硬碟壞了也不怕。</translation>
    </message>
    <message>
        <source>Second copy in %1: the last one failed (%2)</source>
        <translation>第二份備份在 %1：上次複製失敗（%2）</translation>
    </message>
    <message>
        <source>Every backup is also copied to %1</source>
        <translation>每次備份都會同時複製到 %1</translation>
    </message>
    <message>
        <source>Also copy backups to</source>
        <translation>備份同時複製到</translation>
    </message>
    <message>
        <source>Backed up to %1</source>
        <translation>已備份到 %1</translation>
    </message>
    <message>
        <source>Backing up</source>
        <translation>正在備份</translation>
    </message>
    <message>
        <source>Backup cancelled: no file was written</source>
        <translation>已取消備份：沒有寫入任何檔案</translation>
    </message>
    <message>
        <source>The data checks out: %1 checks, no problem found</source>
        <translation>資料檢查通過：共 %1 項檢查，未發現問題</translation>
    </message>
    <message>
        <source>The data check found %1 problems</source>
        <translation>資料檢查發現 %1 個問題</translation>
    </message>
    <message>
        <source>The data check found %1 problems. Keep a backup of the file as it is now and show this list to whoever looks after the till's data.</source>
        <translation>資料檢查發現 %1 個問題。請先把當前檔案備份保留，再把這份清單交給負責收銀資料的人。</translation>
    </message>
    <message>
        <source>Checking the data</source>
        <translation>正在檢查資料</translation>
    </message>
    <message>
        <source>Choose a backup</source>
        <translation>選擇備份檔案</translation>
    </message>
    <message>
        <source>Replace today's data with %1? The current file is kept as a backup first.</source>
        <translation>用%1替換當前資料嗎？當前資料會先另存一份備份。</translation>
    </message>
    <message>
        <source>They stay only in the kept copy of the current file.</source>
        <translation>這些記錄只留在當前檔案的另存副本中。</translation>
    </message>
    <message>
        <source>%1 of them have not reached head office yet: they are sent first when it answers, otherwise kept and sent after the restore.</source>
        <translation>其中 %1 條尚未送達總部：總部可連線時先發送，否則保留下來，恢復後再發送。</translation>
    </message>
    <message>
        <source>Head office has received all of them and keeps them.</source>
        <translation>總部已全部收到並儲存這些記錄。</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢復</translation>
    </message>
    <message>
        <source>Made after this backup, and no longer on this till after the restore: %1 sales, %2 refunds, %3 top-ups, %4 new members (%5 records in all).</source>
        <translation>此備份之後產生、恢復後本機將不再顯示的記錄：%1 筆銷售、%2 筆退貨、%3 筆充值、%4 位新會員（共 %5 條記錄）。</translation>
    </message>
    <message>
        <source>Members' points and stored value on this till go back to what they were at the backup.</source>
        <translation>本機上會員的積分和儲值餘額將回到備份時的數目。</translation>
    </message>
    <message>
        <source>Members' points and stored value come back from head office with the next sync, and so do the members issued since (their birthday and notes stay in the kept copy).</source>
        <translation>會員的積分和儲值餘額將在下次同步時從總部取回，此後新辦的會員也一樣（其生日和備註只留在保留的副本中）。</translation>
    </message>
    <message>
        <source>the backup file %1</source>
        <translation>備份檔案 %1</translation>
    </message>
    <message>
        <source>the backup of %1-%2-%3 %4</source>
        <translation>%1年%2月%3日 %4 的備份</translation>
    </message>
    <message>
        <source>Restored; the previous data was kept as %1</source>
        <translation>已恢復；原資料已另存為 %1</translation>
    </message>
    <message>
        <source>; %1 records made after the backup are kept for head office</source>
        <translation>；備份之後產生的 %1 條記錄已為總部保留</translation>
    </message>
    <message>
        <source>Restoring</source>
        <translation>正在恢復</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>會員</translation>
    </message>
    <message>
        <source>Active (3 months)</source>
        <translation>活躍（3個月內）</translation>
    </message>
    <message>
        <source>Dormant</source>
        <translation>沉睡</translation>
    </message>
    <message>
        <source>New this month</source>
        <translation>本月新會員</translation>
    </message>
    <message>
        <source>Member share of sales</source>
        <translation>會員消費佔比</translation>
    </message>
    <message>
        <source>Members by activity</source>
        <translation>會員活躍度</translation>
    </message>
    <message>
        <source>Tier mix</source>
        <translation>等級分佈</translation>
    </message>
    <message>
        <source>Takings, last 14 days</source>
        <translation>近14天營業額</translation>
    </message>
    <message>
        <source>Back within %1 days</source>
        <translation>%1 天內到過店</translation>
    </message>
    <message>
        <source>Dormant: away %1 days or more</source>
        <translation>沉睡：%1 天或更久未到店</translation>
    </message>
    <message>
        <source>Dormant counts members (active or card lost) not back for %1 days or more, or never back since joining that long ago; Follow-ups → Dormant → “All dormant” lists the same members, less those called lately.</source>
        <translation>沉睡會員：正常或掛失、%1 天或更久沒有到店（或入會已滿 %1 天卻一直沒有再來）的會員；回訪 → 沉睡會員 → “全部沉睡會員”列出的就是這些人（近期已聯絡的除外）。</translation>
    </message>
    <message>
        <source>This month: %1 sales, %2; members bought %3 of them for %4</source>
        <translation>本月：%1 筆消費，共 %2；其中會員 %3 筆，共 %4</translation>
    </message>
    <message>
        <source>Active members</source>
        <translation>活躍</translation>
    </message>
    <message>
        <source>Frozen</source>
        <translation>凍結</translation>
    </message>
    <message>
        <source>Not back yet</source>
        <translation>未回店</translation>
    </message>
    <message>
        <source>Walk-in</source>
        <translation>散客</translation>
    </message>
    <message>
        <source>Call outcome: %1</source>
        <translation>回訪結果：%1</translation>
    </message>
    <message>
        <source>Called by</source>
        <translation>聯絡人</translation>
    </message>
    <message>
        <source>Called on</source>
        <translation>聯絡日期</translation>
    </message>
    <message>
        <source>List</source>
        <translation>名單</translation>
    </message>
    <message>
        <source>Usual period</source>
        <translation>預設期間</translation>
    </message>
    <message>
        <source>Next 7 days</source>
        <translation>未來7天</translation>
    </message>
    <message>
        <source>Next 30 days</source>
        <translation>未來30天</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>最近7天</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期間</translation>
    </message>
    <message>
        <source>Everyone</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Salesperson</source>
        <translation>所屬導購</translation>
    </message>
    <message>
        <source>Show list</source>
        <translation>生成名單</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>手機號</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>等級</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Last visit</source>
        <translation>最近消費</translation>
    </message>
    <message>
        <source>Last seen in store</source>
        <translation>最近到店</translation>
    </message>
    <message>
        <source>Spent</source>
        <translation>累計消費</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>積分</translation>
    </message>
    <message>
        <source>Offers OK</source>
        <translation>同意營銷</translation>
    </message>
    <message>
        <source>Print call sheet (PDF)…</source>
        <translation>列印回訪表（PDF）…</translation>
    </message>
    <message>
        <source>Export for filling in…</source>
        <translation>匯出表格（填寫結果）…</translation>
    </message>
    <message>
        <source>Enter the chosen member's outcome…</source>
        <translation>錄入所選會員的回訪結果…</translation>
    </message>
    <message>
        <source>Take outcomes back from a sheet…</source>
        <translation>從表格匯入回訪結果…</translation>
    </message>
    <message>
        <source>All dormant, however long away</source>
        <translation>全部沉睡會員（不論多久未到店）</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>正在處理…</translation>
    </message>
    <message>
        <source>Follow-up list</source>
        <translation>回訪名單</translation>
    </message>
    <message>
        <source>Cancelled: no file was written</source>
        <translation>已取消：沒有寫出檔案</translation>
    </message>
    <message>
        <source>Call sheet</source>
        <translation>回訪表</translation>
    </message>
    <message>
        <source>Call sheet written: %1 rows, %2 pages → %3</source>
        <translation>回訪表已生成：%1 行，%2 頁 → %3</translation>
    </message>
    <message>
        <source>Call sheet PDF</source>
        <translation>生成回訪表 PDF</translation>
    </message>
    <message>
        <source>Export the list</source>
        <translation>匯出名單</translation>
    </message>
    <message>
        <source>Choose a member in the list first</source>
        <translation>請先在名單中選擇一位會員</translation>
    </message>
    <message>
        <source>Filled-in call sheet</source>
        <translation>已填寫的回訪表</translation>
    </message>
    <message>
        <source>%1 outcomes taken back, %2 already there, %3 problem rows</source>
        <translation>已匯入 %1 條回訪結果，%2 條已存在，%3 行有問題</translation>
    </message>
    <message>
        <source>Taking outcomes back</source>
        <translation>正在匯入回訪結果</translation>
    </message>
    <message>
        <source>Cancelled: no outcome was taken back</source>
        <translation>已取消：沒有匯回任何回訪結果</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>%1 · %2 · %3 members</source>
        <translation>%1 · %2 · 共 %3 位會員</translation>
    </message>
    <message>
        <source>; %1 dormant in all (as on the dashboard): %2 called lately or asking not to be called are left out</source>
        <translation>；共 %1 位沉睡會員（與儀表盤一致）：其中 %2 位近期已聯絡或不願被聯絡，未列出</translation>
    </message>
    <message>
        <source>; as on the dashboard</source>
        <translation>；與儀表盤一致</translation>
    </message>
    <message>
        <source>%1 rows: %2 new, %3 updates, %4 with problems, %5 skipped</source>
        <translation>共 %1 行：新會員 %2，更新 %3，有問題 %4，跳過 %5</translation>
    </message>
    <message>
        <source> — dry run, nothing written</source>
        <translation>（試執行，未寫入任何資料）</translation>
    </message>
    <message>
        <source> — %1 written</source>
        <translation>（已寫入 %1 行）</translation>
    </message>
    <message>
        <source>Import members (.csv / .xlsx)</source>
        <translation>匯入會員（.csv / .xlsx）</translation>
    </message>
    <message>
        <source>Choose a file and check it…</source>
        <translation>選擇檔案並檢查…</translation>
    </message>
    <message>
        <source>Import the good rows</source>
        <translation>匯入沒有問題的行</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>問題</translation>
    </message>
    <message>
        <source>What happens</source>
        <translation>處理</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>說明</translation>
    </message>
    <message>
        <source>Export members</source>
        <translation>匯出會員</translation>
    </message>
    <message>
        <source>Full phone numbers (needs a manager)</source>
        <translation>完整手機號（需店長授權）</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>匯出…</translation>
    </message>
    <message>
        <source>Member sheet</source>
        <translation>會員表格</translation>
    </message>
    <message>
        <source>Checking %1…</source>
        <translation>正在檢查 %1…</translation>
    </message>
    <message>
        <source>Not imported: correct it and check again</source>
        <translation>不匯入：請改正後重新檢查</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>跳過，不匯入</translation>
    </message>
    <message>
        <source>Balance not opened</source>
        <translation>不建餘額</translation>
    </message>
    <message>
        <source>Imported with an opening balance</source>
        <translation>匯入並建期初餘額</translation>
    </message>
    <message>
        <source>Column left out</source>
        <translation>此列不匯入</translation>
    </message>
    <message>
        <source>Import stopped after %1 rows were written: %2</source>
        <translation>已寫入 %1 行後匯入停止：%2</translation>
    </message>
    <message>
        <source>Import stopped: %1 rows written; import the same file again to add the rest</source>
        <translation>匯入已停止：已寫入 %1 行；再次匯入同一檔案即可補上其餘各行</translation>
    </message>
    <message>
        <source>Import cancelled: no member was changed</source>
        <translation>已取消匯入：沒有改動任何會員</translation>
    </message>
    <message>
        <source>Check cancelled</source>
        <translation>已取消檢查</translation>
    </message>
    <message>
        <source>Importing</source>
        <translation>正在匯入</translation>
    </message>
    <message>
        <source>Checking the sheet</source>
        <translation>正在檢查表格</translation>
    </message>
    <message>
        <source>Members.xlsx</source>
        <translation>會員.xlsx</translation>
    </message>
    <message>
        <source>Export cancelled: no file was written</source>
        <translation>已取消匯出：沒有寫出檔案</translation>
    </message>
    <message>
        <source>Exporting</source>
        <translation>正在匯出</translation>
    </message>
    <message>
        <source>Exported %1 members to %2</source>
        <translation>已匯出 %1 位會員到 %2</translation>
    </message>
    <message>
        <source>Follow-up lists</source>
        <translation>回訪名單</translation>
    </message>
    <message>
        <source>Not available yet: the follow-up lists (core.followups) are not part of this build.</source>
        <translation>暫未提供：此版本還沒有回訪名單功能（core.followups）。</translation>
    </message>
    <message>
        <source>Print call sheet</source>
        <translation>列印回訪表</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>匯出</translation>
    </message>
    <message>
        <source>Enter outcomes</source>
        <translation>錄入結果</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>連線方式</translation>
    </message>
    <message>
        <source>Printer connection</source>
        <translation>印表機連線方式</translation>
    </message>
    <message>
        <source>USB receipt printer</source>
        <translation>USB 小票印表機</translation>
    </message>
    <message>
        <source>Network printer (by IP address)</source>
        <translation>網路印表機（按 IP 地址）</translation>
    </message>
    <message>
        <source>Serial port printer</source>
        <translation>序列埠印表機</translation>
    </message>
    <message>
        <source>Preview only (no printing)</source>
        <translation>僅預覽（不列印）</translation>
    </message>
    <message>
        <source>Other (Windows printer name or device file)</source>
        <translation>其他（Windows 印表機名稱或裝置檔案）</translation>
    </message>
    <message>
        <source>Look again</source>
        <translation>重新查詢</translation>
    </message>
    <message>
        <source>USB printers found</source>
        <translation>找到的 USB 印表機</translation>
    </message>
    <message>
        <source>Vendor ID (VID)</source>
        <translation>廠商編號（VID）</translation>
    </message>
    <message>
        <source>e.g. 0416</source>
        <translation>例如 0416</translation>
    </message>
    <message>
        <source>Product ID (PID)</source>
        <translation>產品編號（PID）</translation>
    </message>
    <message>
        <source>e.g. 5011</source>
        <translation>例如 5011</translation>
    </message>
    <message>
        <source>IP address</source>
        <translation>IP 地址</translation>
    </message>
    <message>
        <source>e.g. 192.168.1.50</source>
        <translation>例如 192.168.1.50</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>埠</translation>
    </message>
    <message>
        <source>The printer prints its IP address on its self-test slip: switch it off, hold its FEED button and switch it on. The port is almost always 9100.</source>
        <translation>印表機的 IP 地址印在它的自檢頁上：先關機，按住 FEED（走紙）鍵再開機即可打出。埠幾乎都是 9100。</translation>
    </message>
    <message>
        <source>Serial port</source>
        <translation>序列埠</translation>
    </message>
    <message>
        <source>Baud rate</source>
        <translation>波特率</translation>
    </message>
    <message>
        <source>No printer: receipts and slips are shown on the screen. Good for trying the program out.</source>
        <translation>不接印表機：小票和單據顯示在螢幕上，適合先試用。</translation>
    </message>
    <message>
        <source>For example: %1.</source>
        <translation>例如：%1。</translation>
    </message>
    <message>
        <source>Paper width</source>
        <translation>紙寬</translation>
    </message>
    <message>
        <source>%1 mm (%2 columns)</source>
        <translation>%1 毫米（%2 列）</translation>
    </message>
    <message>
        <source>Chinese encoding</source>
        <translation>中文編碼</translation>
    </message>
    <message>
        <source>Receipt number as</source>
        <translation>小票號列印為</translation>
    </message>
    <message>
        <source>QR code and barcode</source>
        <translation>二維碼和條碼</translation>
    </message>
    <message>
        <source>QR code</source>
        <translation>二維碼</translation>
    </message>
    <message>
        <source>Barcode</source>
        <translation>條碼</translation>
    </message>
    <message>
        <source>Text only</source>
        <translation>僅文字</translation>
    </message>
    <message>
        <source>Cut the paper</source>
        <translation>自動切紙</translation>
    </message>
    <message>
        <source>Open the drawer on cash sales</source>
        <translation>現金收款時彈出錢箱</translation>
    </message>
    <message>
        <source>USB printers cannot be looked for: %1. Type the two IDs from the printer's label or manual (4 characters each, 0-9 and A-F).</source>
        <translation>無法查詢 USB 印表機：%1。請照印表機標籤或說明書填寫這兩個編號（各 4 位，由 0-9 和 A-F 組成）。</translation>
    </message>
    <message>
        <source>No USB printer found: plug it in, switch it on and press Look again, or type the two IDs from the printer's label or manual (4 characters each, 0-9 and A-F).</source>
        <translation>沒有找到 USB 印表機：請接好線、開啟印表機，再點“重新查詢”；也可以照印表機標籤或說明書填寫這兩個編號（各 4 位，由 0-9 和 A-F 組成）。</translation>
    </message>
    <message>
        <source>Choose the printer above, or type the two IDs from the printer's label or manual (4 characters each, 0-9 and A-F).</source>
        <translation>請在上面選擇印表機，或照印表機標籤或說明書填寫這兩個編號（各 4 位，由 0-9 和 A-F 組成）。</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>儲存</translation>
    </message>
    <message>
        <source>Print a test page</source>
        <translation>列印測試頁</translation>
    </message>
    <message>
        <source>Open the cash drawer</source>
        <translation>開啟錢箱</translation>
    </message>
    <message>
        <source>Looking for USB printers…</source>
        <translation>正在查詢 USB 印表機…</translation>
    </message>
    <message>
        <source>USB printer</source>
        <translation>USB 印表機</translation>
    </message>
    <message>
        <source>(none found)</source>
        <translation>（沒有找到）</translation>
    </message>
    <message>
        <source>Looking for printers</source>
        <translation>查詢印表機</translation>
    </message>
    <message>
        <source>Printer settings saved</source>
        <translation>印表機設定已儲存</translation>
    </message>
    <message>
        <source>none</source>
        <translation>不打折</translation>
    </message>
    <message>
        <source>Earning and redeeming</source>
        <translation>積分獲得與使用</translation>
    </message>
    <message>
        <source>Spend (yuan) for 1 point</source>
        <translation>每得 1 積分需消費（元）</translation>
    </message>
    <message>
        <source>Points worth 1 yuan</source>
        <translation>多少積分抵 1 元</translation>
    </message>
    <message>
        <source>Fewest points per redemption</source>
        <translation>每次最少使用積分</translation>
    </message>
    <message>
        <source>Redeem in steps of</source>
        <translation>使用積分的單位</translation>
    </message>
    <message>
        <source>Points pay at most (% of a sale)</source>
        <translation>積分最多抵扣（訂單的 %）</translation>
    </message>
    <message>
        <source>Points expire</source>
        <translation>積分過期</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>從不</translation>
    </message>
    <message>
        <source>N months after earning</source>
        <translation>獲得後 N 個月</translation>
    </message>
    <message>
        <source>Cleared once a year</source>
        <translation>每年清零一次</translation>
    </message>
    <message>
        <source>Months (when they expire after N months)</source>
        <translation>月數（按月過期時）</translation>
    </message>
    <message>
        <source>Cleared on (month)</source>
        <translation>清零日期（月）</translation>
    </message>
    <message>
        <source>Cleared on (day)</source>
        <translation>清零日期（日）</translation>
    </message>
    <message>
        <source>Kept past the clearing day</source>
        <translation>清零時積分多保留</translation>
    </message>
    <message>
        <source>Not kept (valid to the next clearing day)</source>
        <translation>不多保留（到下一個清零日為止）</translation>
    </message>
    <message>
        <source>One more year</source>
        <translation>多保留1年</translation>
    </message>
    <message>
        <source>Two more years</source>
        <translation>多保留2年</translation>
    </message>
    <message>
        <source>Promotions</source>
        <translation>促銷活動</translation>
    </message>
    <message>
        <source>Double points every</source>
        <translation>雙倍積分日</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>關閉</translation>
    </message>
    <message>
        <source>Monday</source>
        <translation>星期一</translation>
    </message>
    <message>
        <source>Tuesday</source>
        <translation>星期二</translation>
    </message>
    <message>
        <source>Wednesday</source>
        <translation>星期三</translation>
    </message>
    <message>
        <source>Thursday</source>
        <translation>星期四</translation>
    </message>
    <message>
        <source>Friday</source>
        <translation>星期五</translation>
    </message>
    <message>
        <source>Saturday</source>
        <translation>星期六</translation>
    </message>
    <message>
        <source>Sunday</source>
        <translation>星期日</translation>
    </message>
    <message>
        <source>Member day (day of month, 0 = off)</source>
        <translation>會員日（每月幾號，0 = 關閉）</translation>
    </message>
    <message>
        <source>Member day: points ×% (100 = 1×)</source>
        <translation>會員日：積分倍率 %（100 = 1倍）</translation>
    </message>
    <message>
        <source>Sign-up bonus points</source>
        <translation>開卡贈送積分</translation>
    </message>
    <message>
        <source>Referral bonus points</source>
        <translation>推薦獎勵積分</translation>
    </message>
    <message>
        <source>Stored value is spent</source>
        <translation>儲值扣款順序</translation>
    </message>
    <message>
        <source>Paid money first</source>
        <translation>先扣本金</translation>
    </message>
    <message>
        <source>Bonus first</source>
        <translation>先扣贈送</translation>
    </message>
    <message>
        <source>In proportion</source>
        <translation>按比例</translation>
    </message>
    <message>
        <source>Refund after the points were spent</source>
        <translation>積分已用完時退貨</translation>
    </message>
    <message>
        <source>Refuse the refund</source>
        <translation>拒絕退貨</translation>
    </message>
    <message>
        <source>Allow negative points</source>
        <translation>允許積分為負</translation>
    </message>
    <message>
        <source>Deduct their value from the money back</source>
        <translation>從退款中扣除積分價值</translation>
    </message>
    <message>
        <source>Count cards: unused visits refunded</source>
        <translation>次卡未用次數退款</translation>
    </message>
    <message>
        <source>The unused share of the price</source>
        <translation>按未用比例退還售價</translation>
    </message>
    <message>
        <source>The price less used visits at the item's price</source>
        <translation>售價減去已用次數的單次價</translation>
    </message>
    <message>
        <source>Not refunded</source>
        <translation>不退</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>程式碼</translation>
    </message>
    <message>
        <source>Coupon name</source>
        <translation>券名稱</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>型別</translation>
    </message>
    <message>
        <source>Takes off (yuan; zhe if percent)</source>
        <translation>優惠（元；折扣券填折數）</translation>
    </message>
    <message>
        <source>Spend at least (yuan)</source>
        <translation>最低消費（元）</translation>
    </message>
    <message>
        <source>At most off (yuan)</source>
        <translation>最高優惠（元）</translation>
    </message>
    <message>
        <source>Gift item code</source>
        <translation>贈品商品編碼</translation>
    </message>
    <message>
        <source>Valid for (days)</source>
        <translation>有效期（天）</translation>
    </message>
    <message>
        <source>From spend (yuan)</source>
        <translation>消費門檻（元）</translation>
    </message>
    <message>
        <source>Tier name</source>
        <translation>等級名稱</translation>
    </message>
    <message>
        <source>Points ×%</source>
        <translation>積分倍率 %</translation>
    </message>
    <message>
        <source>Times per birthday (0 = every purchase)</source>
        <translation>每次生日可用次數（0 為每次消費）</translation>
    </message>
    <message>
        <source>%1 zhe</source>
        <translation>%1折</translation>
    </message>
    <message>
        <source>Member day discount (zhe)</source>
        <translation>會員日折扣（折）</translation>
    </message>
    <message>
        <source>Discount (zhe: 95 = 5 % off)</source>
        <translation>折扣（折）</translation>
    </message>
    <message>
        <source>Tiers (spend over the window)</source>
        <translation>會員等級（按週期內消費）</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>統計週期</translation>
    </message>
    <message>
        <source>Last 12 months</source>
        <translation>最近12個月</translation>
    </message>
    <message>
        <source>Calendar year</source>
        <translation>自然年</translation>
    </message>
    <message>
        <source>Current quarter</source>
        <translation>本季度</translation>
    </message>
    <message>
        <source>Lifetime</source>
        <translation>累計</translation>
    </message>
    <message>
        <source>Rolling days</source>
        <translation>滾動天數</translation>
    </message>
    <message>
        <source>Move down at review</source>
        <translation>評級時可降級</translation>
    </message>
    <message>
        <source>Top up at least (yuan)</source>
        <translation>充值滿（元）</translation>
    </message>
    <message>
        <source>Bonus (yuan)</source>
        <translation>贈送（元）</translation>
    </message>
    <message>
        <source>Top-up bonus</source>
        <translation>充值贈送（充…送…）</translation>
    </message>
    <message>
        <source>Stored value limit (yuan, 0 = no limit)</source>
        <translation>儲值上限（元，0 = 不限）</translation>
    </message>
    <message>
        <source>Birthday privilege (printed on the receipt)</source>
        <translation>生日特權（印在小票上）</translation>
    </message>
    <message>
        <source>Birthday privilege</source>
        <translation>生日特權</translation>
    </message>
    <message>
        <source>No birthday privilege</source>
        <translation>不設</translation>
    </message>
    <message>
        <source>A discount</source>
        <translation>折扣</translation>
    </message>
    <message>
        <source>More points</source>
        <translation>多倍積分</translation>
    </message>
    <message>
        <source>A gift</source>
        <translation>送禮品</translation>
    </message>
    <message>
        <source>When it applies</source>
        <translation>適用時間</translation>
    </message>
    <message>
        <source>On the birthday</source>
        <translation>生日當天</translation>
    </message>
    <message>
        <source>In the birthday week</source>
        <translation>生日當週</translation>
    </message>
    <message>
        <source>In the birthday month</source>
        <translation>生日當月</translation>
    </message>
    <message>
        <source>Discount (zhe)</source>
        <translation>折扣（折）</translation>
    </message>
    <message>
        <source>Points ×% (200 = double)</source>
        <translation>積分倍數 %（200 = 雙倍）</translation>
    </message>
    <message>
        <source>Gift name</source>
        <translation>禮品名稱</translation>
    </message>
    <message>
        <source>Coupon types</source>
        <translation>優惠券種類</translation>
    </message>
    <message>
        <source>Not an amount</source>
        <translation>不是有效金額</translation>
    </message>
    <message>
        <source>Row %1: not a number</source>
        <translation>第 %1 行：不是數字</translation>
    </message>
    <message>
        <source>Row %1: not an amount</source>
        <translation>第 %1 行：不是有效金額</translation>
    </message>
    <message>
        <source>Row %1: </source>
        <translation>第 %1 行：</translation>
    </message>
    <message>
        <source>Start from a preset</source>
        <translation>從預設方案開始</translation>
    </message>
    <message>
        <source>Load preset</source>
        <translation>載入預設</translation>
    </message>
    <message>
        <source>Save as a new version</source>
        <translation>儲存為新版本</translation>
    </message>
    <message>
        <source>Program in force: version %1 (%2)</source>
        <translation>當前方案：第 %1 版（%2）</translation>
    </message>
    <message>
        <source>%1 problem(s) to fix before saving</source>
        <translation>還有 %1 個問題，改正後才能儲存</translation>
    </message>
    <message>
        <source>Saved as version %1; it applies from the next sale</source>
        <translation>已儲存為第 %1 版，從下一筆消費起生效</translation>
    </message>
    <message>
        <source>Opening float</source>
        <translation>開班備用金</translation>
    </message>
    <message>
        <source>Sales</source>
        <translation>消費</translation>
    </message>
    <message>
        <source>Sales by tender</source>
        <translation>按支付方式</translation>
    </message>
    <message>
        <source>Refunds</source>
        <translation>退貨</translation>
    </message>
    <message>
        <source>Top-ups</source>
        <translation>充值</translation>
    </message>
    <message>
        <source>Stored value paid out</source>
        <translation>儲值退現</translation>
    </message>
    <message>
        <source>Points earned / redeemed</source>
        <translation>積分 獲得 / 使用</translation>
    </message>
    <message>
        <source>Short %1</source>
        <translation>短款 %1</translation>
    </message>
    <message>
        <source>Over %1</source>
        <translation>長款 %1</translation>
    </message>
    <message>
        <source>No difference</source>
        <translation>無差額</translation>
    </message>
    <message>
        <source>Opened at</source>
        <translation>開班時間</translation>
    </message>
    <message>
        <source>New members</source>
        <translation>新會員</translation>
    </message>
    <message>
        <source>Cash expected in the drawer</source>
        <translation>錢箱應有現金</translation>
    </message>
    <message>
        <source>Cash counted</source>
        <translation>實點現金</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差額</translation>
    </message>
    <message>
        <source>Left in the drawer for the next shift</source>
        <translation>留給下一班的備用金</translation>
    </message>
    <message>
        <source>Taken out of the drawer</source>
        <translation>取出上交</translation>
    </message>
    <message>
        <source>The drawer does not match</source>
        <translation>錢箱對不上</translation>
    </message>
    <message>
        <source>The difference is more than %1. Count the drawer again, or write what happened and close the shift.</source>
        <translation>差額超過 %1。請重新點鈔，或寫明原因後交班。</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Count again</source>
        <translation>重新點鈔</translation>
    </message>
    <message>
        <source>Confirm and close the shift</source>
        <translation>確認並交班</translation>
    </message>
    <message>
        <source>Write what happened first</source>
        <translation>請先寫明原因</translation>
    </message>
    <message>
        <source>My shift</source>
        <translation>我的班次</translation>
    </message>
    <message>
        <source>Count the cash in the drawer and type it: what the drawer should hold is shown once your count is in.</source>
        <translation>請先點清錢箱裡的現金並輸入：輸入實點金額後才顯示應有現金。</translation>
    </message>
    <message>
        <source>Cash counted (yuan)</source>
        <translation>實點現金（元）</translation>
    </message>
    <message>
        <source>Leave in the drawer for the next shift (yuan)</source>
        <translation>留給下一班的備用金（元）</translation>
    </message>
    <message>
        <source>I stay on: open my next shift with the cash left in the drawer</source>
        <translation>我繼續上班：用留在錢箱的現金作備用金開下一班</translation>
    </message>
    <message>
        <source>Last shift closed</source>
        <translation>上一次交班</translation>
    </message>
    <message>
        <source>Reprinting the shift slip</source>
        <translation>正在重印交班單</translation>
    </message>
    <message>
        <source>A difference above %1 now needs a note</source>
        <translation>差額超過 %1 時須寫備註</translation>
    </message>
    <message>
        <source>Close shift and print the slip</source>
        <translation>交班並列印交班單</translation>
    </message>
    <message>
        <source>Refunds: points taken back / returned</source>
        <translation>退貨積分 扣回 / 退回</translation>
    </message>
    <message>
        <source>Shift closed at</source>
        <translation>交班時間</translation>
    </message>
    <message>
        <source>Refunds by tender</source>
        <translation>退貨退款方式</translation>
    </message>
    <message>
        <source>Refunds: not given back</source>
        <translation>退貨未退回</translation>
    </message>
    <message>
        <source>Count cards sold less refunded</source>
        <translation>次卡淨額（售卡－退卡）</translation>
    </message>
    <message>
        <source>Reprint the shift slip</source>
        <translation>重印交班單</translation>
    </message>
    <message>
        <source>Today, all cashiers</source>
        <translation>今日（全部收銀員）</translation>
    </message>
    <message>
        <source>A difference above this needs a note (yuan)</source>
        <translation>差額超過此數須寫備註（元）</translation>
    </message>
    <message>
        <source>No shift is open.</source>
        <translation>沒有進行中的班次。</translation>
    </message>
    <message>
        <source>Business day</source>
        <translation>營業日</translation>
    </message>
    <message>
        <source>Day before</source>
        <translation>前一天</translation>
    </message>
    <message>
        <source>Day after</source>
        <translation>後一天</translation>
    </message>
    <message>
        <source>Print on the receipt printer</source>
        <translation>用小票印表機列印</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>儲存為 PDF…</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>專案</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>數值</translation>
    </message>
    <message>
        <source>Printing the day-end report of %1</source>
        <translation>正在列印 %1 的日結報表</translation>
    </message>
    <message>
        <source>Save the day-end report</source>
        <translation>儲存日結報表</translation>
    </message>
    <message>
        <source>Saved %1 (%2 pages)</source>
        <translation>已儲存 %1（%2 頁）</translation>
    </message>
    <message>
        <source>Day-end report PDF</source>
        <translation>日結報表 PDF</translation>
    </message>
    <message>
        <source>Of which members</source>
        <translation>其中會員</translation>
    </message>
    <message>
        <source>Discounts given</source>
        <translation>優惠金額</translation>
    </message>
    <message>
        <source>Count the drawer and type what it holds</source>
        <translation>請先點鈔並輸入錢箱裡的現金</translation>
    </message>
    <message>
        <source>Shift closed; %1</source>
        <translation>已交班；%1</translation>
    </message>
    <message>
        <source>Shift slip</source>
        <translation>交班單</translation>
    </message>
    <message>
        <source>Shop name</source>
        <translation>店名</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Shop phone</source>
        <translation>店鋪電話</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>時區</translation>
    </message>
    <message>
        <source>Receipt footer</source>
        <translation>小票頁尾</translation>
    </message>
    <message>
        <source>Store code</source>
        <translation>門店編號</translation>
    </message>
    <message>
        <source>Till number</source>
        <translation>收銀臺號</translation>
    </message>
    <message>
        <source>Card number prefix</source>
        <translation>卡號字首</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>語言</translation>
    </message>
    <message>
        <source>Please enter the shop's name</source>
        <translation>請填寫店名</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>已儲存</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>已鎖定</translation>
    </message>
    <message>
        <source>Working here</source>
        <translation>在職</translation>
    </message>
    <message>
        <source>Add staff</source>
        <translation>新增員工</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN 碼</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>The chosen person</source>
        <translation>所選員工</translation>
    </message>
    <message>
        <source>New PIN</source>
        <translation>新 PIN 碼</translation>
    </message>
    <message>
        <source>Save role and status</source>
        <translation>儲存修改</translation>
    </message>
    <message>
        <source>Reset PIN</source>
        <translation>重設 PIN 碼</translation>
    </message>
    <message>
        <source>Owner's recovery code</source>
        <translation>老闆恢復碼</translation>
    </message>
    <message>
        <source>Make a new recovery code</source>
        <translation>生成新的恢復碼</translation>
    </message>
    <message>
        <source>A recovery code was made; making a new one stops the old one from working.</source>
        <translation>已生成恢復碼；生成新的恢復碼後，舊的即作廢。</translation>
    </message>
    <message>
        <source>There is no recovery code yet: make one and write it down. Without it, a forgotten owner's PIN cannot be set again.</source>
        <translation>還沒有恢復碼：請生成一個並抄下。沒有它，老闆忘記 PIN 後將無法重設。</translation>
    </message>
    <message>
        <source>The changes for %1 are not saved. Choose someone else and lose them?</source>
        <translation>%1 的修改還沒有儲存。改選其他員工，這些修改就會丟失，仍要改選嗎？</translation>
    </message>
    <message>
        <source>The chosen person: %1</source>
        <translation>所選員工：%1</translation>
    </message>
    <message>
        <source>%1 added</source>
        <translation>已新增 %1</translation>
    </message>
    <message>
        <source>%1 saved</source>
        <translation>已儲存 %1</translation>
    </message>
    <message>
        <source>PIN of %1 reset</source>
        <translation>已重設 %1 的 PIN 碼</translation>
    </message>
    <message>
        <source>Sync is not set up: type the head office address and this till's id on the Sync to head office page and save them</source>
        <translation>還沒有設定同步：請在“同步到總部”頁填寫總部地址和本收銀臺的編號並儲存</translation>
    </message>
    <message>
        <source>This till has no access code yet: type the access code head office gave it on the Sync to head office page and save it</source>
        <translation>本收銀臺還沒有接入碼：請在“同步到總部”頁填寫總部給的接入碼並儲存</translation>
    </message>
    <message>
        <source>Head office does not accept this till's access code (mistyped or cancelled): ask head office for a new one and type it on the Sync to head office page</source>
        <translation>總部不接受本收銀臺的接入碼（填錯了或已作廢）：請向總部要一個新的接入碼，填到“同步到總部”頁</translation>
    </message>
    <message>
        <source>This access code belongs to another till, not %1: check this till's number, or ask head office for this till's access code</source>
        <translation>這個接入碼屬於另一臺收銀臺，不是 %1 的：請核對本收銀臺編號，或向總部要本收銀臺的接入碼</translation>
    </message>
    <message>
        <source>This computer already sends to head office as till %1; as %2 it would send every record again. If the access code is lost, ask head office for a new one for till %1</source>
        <translation>這臺電腦已經以收銀臺 %1 向總部同步過；改成 %2 會把全部記錄重新發送一遍。接入碼丟了的話，請向總部為收銀臺 %1 要一個新的接入碼</translation>
    </message>
    <message>
        <source>Type the access code head office gave this till</source>
        <translation>請填寫總部給本收銀臺的接入碼</translation>
    </message>
    <message>
        <source>Sync: not set up</source>
        <translation>同步：未設定</translation>
    </message>
    <message>
        <source>Sync: %1 waiting</source>
        <translation>同步：%1 條待上傳</translation>
    </message>
    <message>
        <source>, last sent %1</source>
        <translation>，上次成功 %1</translation>
    </message>
    <message>
        <source>, %1 problem(s)</source>
        <translation>，%1 個問題</translation>
    </message>
    <message>
        <source>Sending to head office</source>
        <translation>正在上傳到總部</translation>
    </message>
    <message>
        <source>Ask head office for three things: its address, this till's number and this till's access code.</source>
        <translation>請向總部要這三樣：總部地址、本收銀臺編號和接入碼。</translation>
    </message>
    <message>
        <source>Head office address</source>
        <translation>總部地址</translation>
    </message>
    <message>
        <source>This till's number (from head office)</source>
        <translation>本收銀臺編號（總部給的）</translation>
    </message>
    <message>
        <source>Access code (from head office)</source>
        <translation>接入碼（總部給的）</translation>
    </message>
    <message>
        <source>The access code is kept in this computer's secure storage, never in the shop's data; leave the box empty to keep the one saved.</source>
        <translation>接入碼儲存在本機的安全儲存裡，不會寫進店裡的資料；留空則繼續使用已儲存的接入碼。</translation>
    </message>
    <message>
        <source>This computer has no secure storage: the access code is kept only until the program closes; type it here again after a restart.</source>
        <translation>這臺電腦沒有安全儲存：接入碼只保留到程式關閉為止，重新開啟後請在這裡再填一次。</translation>
    </message>
    <message>
        <source>Saved; the access code is in this computer's secure storage</source>
        <translation>已儲存；接入碼已存入本機的安全儲存</translation>
    </message>
    <message>
        <source>Saved; this computer has no secure storage, so the access code is kept only until the program closes</source>
        <translation>已儲存；這臺電腦沒有安全儲存，接入碼只保留到程式關閉為止</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Sync problems (events head office refused)</source>
        <translation>同步問題（總部拒收的記錄）</translation>
    </message>
    <message>
        <source>#</source>
        <translation>序號</translation>
    </message>
    <message>
        <source>What</source>
        <translation>專案</translation>
    </message>
    <message>
        <source>When</source>
        <translation>時間</translation>
    </message>
    <message>
        <source>Already sending to head office…</source>
        <translation>正在傳送到總部，請稍候…</translation>
    </message>
    <message>
        <source>What is typed on this page is not saved yet: press Save first, then Sync now</source>
        <translation>本頁填寫的內容還沒有儲存：請先按“儲存”，再按“立即同步”</translation>
    </message>
    <message>
        <source>Done: %1 change(s) sent to head office, %2 refused, %3 still waiting</source>
        <translation>完成：已傳送 %1 條記錄到總部，被拒 %2 條，仍在等待 %3 條</translation>
    </message>
    <message>
        <source>Done: nothing was waiting, head office has everything</source>
        <translation>完成：沒有待發送的記錄，總部已全部收到</translation>
    </message>
    <message>
        <source>Sending to head office…</source>
        <translation>正在傳送到總部…</translation>
    </message>
    <message>
        <source>Something went wrong: %1 (details are in the log)</source>
        <translation>出錯了：%1（詳情見日誌）</translation>
    </message>
    <message>
        <source>Till</source>
        <translation>收銀</translation>
    </message>
    <message>
        <source>Follow-ups</source>
        <translation>回訪</translation>
    </message>
    <message>
        <source>Back office</source>
        <translation>後臺</translation>
    </message>
    <message>
        <source>Sales journal</source>
        <translation>銷售記錄</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>退出登入</translation>
    </message>
    <message>
        <source>Daily backup</source>
        <translation>每日備份</translation>
    </message>
    <message>
        <source>Daily upkeep</source>
        <translation>每日維護</translation>
    </message>
    <message>
        <source>Demo shop: not your shop's data</source>
        <translation>演示店：不是本店的資料</translation>
    </message>
    <message>
        <source>Sales on hold</source>
        <translation>掛單未結</translation>
    </message>
    <message>
        <source>You have %1 sale(s) on hold. They are kept: anyone logging in at this till can take them back with F8. Leave anyway?</source>
        <translation>您還有 %1 筆掛單。掛單會保留：在本收銀臺登入的人都可以按 F8 取回。仍要離開嗎？</translation>
    </message>
    <message>
        <source>%1 on hold (F8)</source>
        <translation>掛單 %1 筆（F8）</translation>
    </message>
    <message>
        <source>The sale on the till was put on hold.</source>
        <translation>收銀臺上的這筆銷售已掛單。</translation>
    </message>
    <message>
        <source>Leave</source>
        <translation>離開</translation>
    </message>
    <message>
        <source>Stay</source>
        <translation>留下</translation>
    </message>
    <message>
        <source>preview, nothing is recorded</source>
        <translation>預覽畫面，不記賬</translation>
    </message>
    <message>
        <source>shift open</source>
        <translation>班次進行中</translation>
    </message>
    <message>
        <source>no shift</source>
        <translation>未開班</translation>
    </message>
    <message>
        <source>Manager's PIN needed</source>
        <translation>需要店長授權</translation>
    </message>
    <message>
        <source>%1 needs a manager or the owner. Ask them to type their PIN.</source>
        <translation>“%1”需要店長或老闆授權，請他們輸入 PIN 碼。</translation>
    </message>
    <message>
        <source>Who approves? Choose your name</source>
        <translation>誰來審批？請選擇您的名字</translation>
    </message>
    <message>
        <source>No manager or owner is set up</source>
        <translation>還沒有店長或老闆賬號</translation>
    </message>
    <message>
        <source>Choose who approves first</source>
        <translation>請先選擇審批人</translation>
    </message>
    <message>
        <source>%1 is not a manager</source>
        <translation>%1 不是店長</translation>
    </message>
    <message>
        <source>Scan the receipt's barcode or type its number, then Enter</source>
        <translation>掃描小票條碼，或輸入小票號後按回車</translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation>小票號</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>時間</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>金額</translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation>已退</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>會員</translation>
    </message>
    <message>
        <source>Paid by</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <source>Show older sales</source>
        <translation>顯示更早的銷售</translation>
    </message>
    <message>
        <source>Days</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>card, phone, name</source>
        <translation>卡號、手機號、姓名</translation>
    </message>
    <message>
        <source>Walk-ins only</source>
        <translation>只看散客</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查詢</translation>
    </message>
    <message>
        <source>walk-in</source>
        <translation>散客</translation>
    </message>
    <message>
        <source>No sale matches</source>
        <translation>沒有符合條件的銷售</translation>
    </message>
    <message>
        <source>Newest %1 shown</source>
        <translation>顯示最新的 %1 筆</translation>
    </message>
    <message>
        <source>%1 sales</source>
        <translation>共 %1 筆</translation>
    </message>
    <message>
        <source>Reprinting %1</source>
        <translation>正在重印 %1</translation>
    </message>
    <message>
        <source>Cashier</source>
        <translation>收銀員</translation>
    </message>
    <message>
        <source>Refund the chosen sale…</source>
        <translation>退所選小票…</translation>
    </message>
    <message>
        <source>Unit price</source>
        <translation>單價</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>已退</translation>
    </message>
    <message>
        <source>Refunds of this sale</source>
        <translation>本單的退貨</translation>
    </message>
    <message>
        <source>Paid back</source>
        <translation>退款方式</translation>
    </message>
    <message>
        <source>Authorised by</source>
        <translation>授權人</translation>
    </message>
    <message>
        <source>Refund…</source>
        <translation>退貨…</translation>
    </message>
    <message>
        <source>Reprint receipt</source>
        <translation>重印小票</translation>
    </message>
    <message>
        <source>Scan a receipt, or choose a sale in the list.</source>
        <translation>掃描小票，或在列表中選擇一筆銷售。</translation>
    </message>
    <message>
        <source>member %1 (card %2)</source>
        <translation>會員 %1（卡號 %2）</translation>
    </message>
    <message>
        <source>walk-in customer</source>
        <translation>散客</translation>
    </message>
    <message>
        <source>Receipt %1 · %2 · cashier %3 · %4</source>
        <translation>小票 %1 · %2 · 收銀員 %3 · %4</translation>
    </message>
    <message>
        <source>Subtotal %1 · discounts %2 · total %3 · paid by %4</source>
        <translation>小計 %1 · 優惠 %2 · 應收 %3 · 付款 %4</translation>
    </message>
    <message>
        <source> (cash received %1, change %2)</source>
        <translation>（收現金 %1，找零 %2）</translation>
    </message>
    <message>
        <source> · refunded %1</source>
        <translation> · 已退款 %1</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>餘額</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>備註</translation>
    </message>
    <message>
        <source>Points ledger</source>
        <translation>積分明細</translation>
    </message>
    <message>
        <source>Stored</source>
        <translation>本金</translation>
    </message>
    <message>
        <source>Bonus</source>
        <translation>贈送</translation>
    </message>
    <message>
        <source>Stored after</source>
        <translation>本金餘額</translation>
    </message>
    <message>
        <source>Bonus after</source>
        <translation>贈送餘額</translation>
    </message>
    <message>
        <source>Reverse the chosen top-up…</source>
        <translation>撤銷所選充值…</translation>
    </message>
    <message>
        <source>Stored-value ledger</source>
        <translation>儲值明細</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>次數</translation>
    </message>
    <message>
        <source>Visits left</source>
        <translation>剩餘次數</translation>
    </message>
    <message>
        <source>Money</source>
        <translation>金額</translation>
    </message>
    <message>
        <source>Count card</source>
        <translation>次卡</translation>
    </message>
    <message>
        <source>Count cards</source>
        <translation>次卡</translation>
    </message>
    <message>
        <source>By</source>
        <translation>回訪人</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>結果</translation>
    </message>
    <message>
        <source>Call log</source>
        <translation>回訪記錄</translation>
    </message>
    <message>
        <source>Edit member</source>
        <translation>編輯會員</translation>
    </message>
    <message>
        <source>Issue a member card</source>
        <translation>辦理會員卡</translation>
    </message>
    <message>
        <source>Mobile phone</source>
        <translation>手機號</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>性別</translation>
    </message>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>年-月-日</translation>
    </message>
    <message>
        <source>Lunar</source>
        <translation>農曆</translation>
    </message>
    <message>
        <source>Leap month</source>
        <translation>閏月</translation>
    </message>
    <message>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <source>Guardian consent</source>
        <translation>監護人同意</translation>
    </message>
    <message>
        <source>A parent or guardian consents to this membership (member under 14)</source>
        <translation>父母或其他監護人同意辦理會員（未滿14週歲）</translation>
    </message>
    <message>
        <source>Referred by (card or phone)</source>
        <translation>推薦人（卡號或手機號）</translation>
    </message>
    <message>
        <source>Pre-printed card number (blank: generate)</source>
        <translation>預製卡號（留空自動生成）</translation>
    </message>
    <message>
        <source>Marketing</source>
        <translation>營銷</translation>
    </message>
    <message>
        <source>Agrees to receive offers</source>
        <translation>同意接收優惠資訊</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>備註</translation>
    </message>
    <message>
        <source>What was typed for this member is not saved. Close and lose it?</source>
        <translation>這位會員的資料還沒有儲存。關閉此視窗，已輸入的內容就會丟失，仍要關閉嗎？</translation>
    </message>
    <message>
        <source>%1 rows: %2 new items, %3 items changed, %4 with problems, %5 unchanged</source>
        <translation>共 %1 行：新商品 %2，修改 %3，有問題 %4，無變化 %5</translation>
    </message>
    <message>
        <source>Edit item</source>
        <translation>編輯商品</translation>
    </message>
    <message>
        <source>Add an item</source>
        <translation>新增商品</translation>
    </message>
    <message>
        <source>Item code (blank: the first barcode)</source>
        <translation>商品編碼（不填：用第一個條碼）</translation>
    </message>
    <message>
        <source>Barcodes (several: separate with spaces)</source>
        <translation>條碼（多個用空格分開）</translation>
    </message>
    <message>
        <source>Item name</source>
        <translation>名稱</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>分類</translation>
    </message>
    <message>
        <source>Member price ¥ (blank: none)</source>
        <translation>會員價 ¥（不填：無）</translation>
    </message>
    <message>
        <source>Never discounted</source>
        <translation>不打折（任何折扣都不參與）</translation>
    </message>
    <message>
        <source>What is paid for it earns points</source>
        <translation>消費金額計入積分</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Import items: %1</source>
        <translation>匯入商品：%1</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>關閉</translation>
    </message>
    <message>
        <source>Importing items</source>
        <translation>正在匯入商品</translation>
    </message>
    <message>
        <source>Categories in the loyalty program</source>
        <translation>會員方案中的商品分類</translation>
    </message>
    <message>
        <source>A member's discount on a category (9.5: they pay 95 %) competes with the tier's and the day's: the best one applies, they never add up.</source>
        <translation>會員在某分類上的折扣（如 9.5 = 95折）與等級折扣、會員日折扣比較，取最優的一種，不疊加。</translation>
    </message>
    <message>
        <source>Members pay (tenths)</source>
        <translation>會員折扣（折）</translation>
    </message>
    <message>
        <source>Earns points</source>
        <translation>積分</translation>
    </message>
    <message>
        <source>Save as a new program version</source>
        <translation>儲存為新的方案版本</translation>
    </message>
    <message>
        <source>Categories</source>
        <translation>商品分類</translation>
    </message>
    <message>
        <source>Name, pinyin, code or barcode</source>
        <translation>名稱、拼音、編碼或條碼</translation>
    </message>
    <message>
        <source>All items</source>
        <translation>全部商品</translation>
    </message>
    <message>
        <source>On sale</source>
        <translation>在售</translation>
    </message>
    <message>
        <source>Deactivated</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>‹ Previous</source>
        <translation>‹ 上一頁</translation>
    </message>
    <message>
        <source>Next ›</source>
        <translation>下一頁 ›</translation>
    </message>
    <message>
        <source>Item code</source>
        <translation>編碼</translation>
    </message>
    <message>
        <source>The item's changes are not saved. Close and lose them?</source>
        <translation>商品的修改還沒有儲存。關閉此視窗，這些修改就會丟失，仍要關閉嗎？</translation>
    </message>
    <message>
        <source>Use it</source>
        <translation>仍然使用</translation>
    </message>
    <message>
        <source>Change the code</source>
        <translation>修改編碼</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>提示：%1</translation>
    </message>
    <message>
        <source>The categories' changes are not saved. Close and lose them?</source>
        <translation>商品分類的修改還沒有儲存。關閉此視窗，這些修改就會丟失，仍要關閉嗎？</translation>
    </message>
    <message>
        <source>Member price</source>
        <translation>會員價</translation>
    </message>
    <message>
        <source>Barcodes</source>
        <translation>條碼</translation>
    </message>
    <message>
        <source>State</source>
        <translation>狀態</translation>
    </message>
    <message>
        <source>Add an item…</source>
        <translation>新增商品…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>編輯…</translation>
    </message>
    <message>
        <source>Deactivate</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>Categories…</source>
        <translation>分類規則…</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>匯入…</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>全部分類</translation>
    </message>
    <message>
        <source>%1 items (%2–%3)</source>
        <translation>共 %1 個商品（第 %2–%3 個）</translation>
    </message>
    <message>
        <source>No item matches</source>
        <translation>沒有相符的商品</translation>
    </message>
    <message>
        <source>Reactivate</source>
        <translation>重新啟用</translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation>已儲存：%1</translation>
    </message>
    <message>
        <source>%1 is on sale again</source>
        <translation>%1 已重新啟用</translation>
    </message>
    <message>
        <source>%1 is deactivated</source>
        <translation>%1 已停用</translation>
    </message>
    <message>
        <source>The loyalty program was saved</source>
        <translation>會員方案已儲存</translation>
    </message>
    <message>
        <source>Item sheet</source>
        <translation>商品表格</translation>
    </message>
    <message>
        <source>Export items</source>
        <translation>匯出商品</translation>
    </message>
    <message>
        <source>Exported %1 items to %2</source>
        <translation>已匯出 %1 個商品到 %2</translation>
    </message>
    <message>
        <source>Card, phone, last 4 digits, name or pinyin initials, then Enter</source>
        <translation>卡號、手機號、手機尾號4位、姓名或拼音首字母，按回車</translation>
    </message>
    <message>
        <source>Issue a card (F3)</source>
        <translation>辦卡 (F3)</translation>
    </message>
    <message>
        <source>All but cancelled</source>
        <translation>全部（註銷的除外）</translation>
    </message>
    <message>
        <source>Joined</source>
        <translation>入會</translation>
    </message>
    <message>
        <source>Every store</source>
        <translation>全部門店</translation>
    </message>
    <message>
        <source>This store</source>
        <translation>本店</translation>
    </message>
    <message>
        <source>Other stores</source>
        <translation>其他門店</translation>
    </message>
    <message>
        <source>Store</source>
        <translation>門店</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>顯示</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>卡號</translation>
    </message>
    <message>
        <source>Stored value</source>
        <translation>儲值</translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation>◀ 上一頁</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一頁 ▶</translation>
    </message>
    <message>
        <source>All tiers</source>
        <translation>全部等級</translation>
    </message>
    <message>
        <source>Anyone's</source>
        <translation>全部導購</translation>
    </message>
    <message>
        <source>No salesperson</source>
        <translation>無導購</translation>
    </message>
    <message>
        <source>“%1” is not a date: write it as 2026-03-01</source>
        <translation>“%1”不是日期：請寫成 2026-03-01 這樣</translation>
    </message>
    <message>
        <source>Member list</source>
        <translation>會員名單</translation>
    </message>
    <message>
        <source>%1–%2 of %3 members</source>
        <translation>第 %1–%2 名，共 %3 名</translation>
    </message>
    <message>
        <source>No member matches these filters</source>
        <translation>沒有符合條件的會員</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>狀態</translation>
    </message>
    <message>
        <source>Found</source>
        <translation>查詢結果</translation>
    </message>
    <message>
        <source>All members</source>
        <translation>全部會員</translation>
    </message>
    <message>
        <source>Search for a member above</source>
        <translation>請在上方查詢會員</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>編輯</translation>
    </message>
    <message>
        <source>Top up</source>
        <translation>充值</translation>
    </message>
    <message>
        <source>Cash out stored value</source>
        <translation>儲值退現</translation>
    </message>
    <message>
        <source>Adjust points</source>
        <translation>調整積分</translation>
    </message>
    <message>
        <source>Set tier</source>
        <translation>調整等級</translation>
    </message>
    <message>
        <source>Report lost</source>
        <translation>掛失</translation>
    </message>
    <message>
        <source>Replace card</source>
        <translation>補卡</translation>
    </message>
    <message>
        <source>Freeze / unfreeze</source>
        <translation>凍結 / 解凍</translation>
    </message>
    <message>
        <source>Cancel membership</source>
        <translation>登出</translation>
    </message>
    <message>
        <source>Print card</source>
        <translation>列印會員卡</translation>
    </message>
    <message>
        <source>No member matches “%1”: F3 issues a card for this number</source>
        <translation>沒有找到“%1”：按 F3 用這個手機號辦卡</translation>
    </message>
    <message>
        <source>No member matches “%1”: F3 issues a card in this name</source>
        <translation>沒有找到“%1”：按 F3 為其辦卡</translation>
    </message>
    <message>
        <source>No member matches “%1”</source>
        <translation>沒有找到“%1”</translation>
    </message>
    <message>
        <source>Copy of personal information</source>
        <translation>個人資訊副本</translation>
    </message>
    <message>
        <source>Card issued: %1 (%2)</source>
        <translation>已開卡：%1（%2）</translation>
    </message>
    <message>
        <source>Card PDF written: %1</source>
        <translation>會員卡檔案已寫好：%1</translation>
    </message>
    <message>
        <source>Top-up done: %1</source>
        <translation>充值完成：%1</translation>
    </message>
    <message>
        <source>top up</source>
        <translation>充值</translation>
    </message>
    <message>
        <source>Paid out %1 in cash (%2)</source>
        <translation>已退現金 %1（%2）</translation>
    </message>
    <message>
        <source>Cash-out slip</source>
        <translation>退現單</translation>
    </message>
    <message>
        <source>cash out stored value</source>
        <translation>儲值退現</translation>
    </message>
    <message>
        <source>Top-up %1 reversed: %2 back by %3</source>
        <translation>充值 %1 已撤銷：%2 按%3退回</translation>
    </message>
    <message>
        <source>Top-up reversal slip</source>
        <translation>充值撤銷單</translation>
    </message>
    <message>
        <source>reverse a top-up</source>
        <translation>撤銷充值</translation>
    </message>
    <message>
        <source>%1: %2 visits left</source>
        <translation>%1：剩餘 %2 次</translation>
    </message>
    <message>
        <source>Count card slip</source>
        <translation>次卡憑條</translation>
    </message>
    <message>
        <source>%1: tier %2</source>
        <translation>%1：等級 %2</translation>
    </message>
    <message>
        <source>Points now %1</source>
        <translation>現有積分 %1</translation>
    </message>
    <message>
        <source>%1 has a new card: %2 (old card %3 no longer works)</source>
        <translation>%1 已補卡：新卡號 %2（舊卡 %3 已停用）</translation>
    </message>
    <message>
        <source>A copy of the personal information of %1</source>
        <translation>匯出 %1 的個人資訊副本</translation>
    </message>
    <message>
        <source>Copy of personal information written: %1</source>
        <translation>個人資訊副本已儲存：%1</translation>
    </message>
    <message>
        <source>Personal information erased; card %1 and its history are kept</source>
        <translation>個人資訊已清除；卡號 %1 及其消費記錄保留</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Report the card lost</source>
        <translation>掛失會員卡</translation>
    </message>
    <message>
        <source>Replace the card</source>
        <translation>補辦會員卡</translation>
    </message>
    <message>
        <source>Unfreeze</source>
        <translation>解凍</translation>
    </message>
    <message>
        <source>Freeze</source>
        <translation>凍結</translation>
    </message>
    <message>
        <source>Cancel the membership</source>
        <translation>登出會員</translation>
    </message>
    <message>
        <source>Refunded %1 (%2)</source>
        <translation>已退款 %1（%2）</translation>
    </message>
    <message>
        <source>refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <source>Receipt %1</source>
        <translation>小票 %1</translation>
    </message>
    <message>
        <source>Top up stored value: %1</source>
        <translation>儲值充值：%1</translation>
    </message>
    <message>
        <source>Now: stored %1, bonus %2</source>
        <translation>現有：本金 %1，贈送 %2</translation>
    </message>
    <message>
        <source>Amount paid (yuan)</source>
        <translation>充值金額（元）</translation>
    </message>
    <message>
        <source>Top-up offers: %1</source>
        <translation>充值優惠：%1</translation>
    </message>
    <message>
        <source>top up %1, get %2 more</source>
        <translation>充 %1 送 %2</translation>
    </message>
    <message>
        <source>Stored value limit %1: this member may top up %2 more</source>
        <translation>儲值上限 %1：該會員本次最多還可充值 %2</translation>
    </message>
    <message>
        <source>Stored value limit %1 reached: this member cannot top up now</source>
        <translation>已達儲值上限 %1：該會員本次不能充值</translation>
    </message>
    <message>
        <source>Confirm top-up</source>
        <translation>確認充值</translation>
    </message>
    <message>
        <source>Bonus %1 — the card gets %2</source>
        <translation>贈送 %1，到賬合計 %2</translation>
    </message>
    <message>
        <source>%1 more and the bonus is %2</source>
        <translation>再充 %1，可得贈送 %2</translation>
    </message>
    <message>
        <source>Adjust points: %1</source>
        <translation>調整積分：%1</translation>
    </message>
    <message>
        <source>Points now: %1</source>
        <translation>現有積分：%1</translation>
    </message>
    <message>
        <source>Add (negative takes away)</source>
        <translation>增加（負數為扣減）</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Adjust</source>
        <translation>調整</translation>
    </message>
    <message>
        <source>%1 points for %2</source>
        <translation>%1 積分兌 %2</translation>
    </message>
    <message>
        <source>New card number (blank: generate)</source>
        <translation>新卡號（留空自動生成）</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>確認</translation>
    </message>
    <message>
        <source>Refund %1</source>
        <translation>退貨 %1</translation>
    </message>
    <message>
        <source>Sale %1 on %2: total %3, already refunded %4, paid by %5</source>
        <translation>小票 %1（%2）：金額 %3，已退 %4，支付方式：%5</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Bought</source>
        <translation>購買數量</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金額</translation>
    </message>
    <message>
        <source>Refund %1. Back to the customer: %2</source>
        <translation>退款 %1。退給顧客：%2</translation>
    </message>
    <message>
        <source>no money back</source>
        <translation>無</translation>
    </message>
    <message>
        <source>Back to stored value: principal %1, bonus %2</source>
        <translation>退回儲值：本金 %1，贈送金額 %2</translation>
    </message>
    <message>
        <source>Points used on the sale given back: %1</source>
        <translation>退還本單抵扣的積分：%1</translation>
    </message>
    <message>
        <source>Points the sale earned taken back: %1</source>
        <translation>扣回本單所得積分：%1</translation>
    </message>
    <message>
        <source>First-month bonus points taken back: %1</source>
        <translation>扣回首月獎勵積分：%1</translation>
    </message>
    <message>
        <source>Kept back for points already spent: %1</source>
        <translation>積分已用掉，從退款中扣除：%1</translation>
    </message>
    <message>
        <source>Take back the gift: %1</source>
        <translation>請收回滿額贈品：%1</translation>
    </message>
    <message>
        <source>Refund qty</source>
        <translation>退貨數量</translation>
    </message>
    <message>
        <source>Refund</source>
        <translation>退貨</translation>
    </message>
    <message>
        <source>Set how many of each item come back.</source>
        <translation>請填寫每件商品的退貨數量。</translation>
    </message>
    <message>
        <source>Refund %1 of receipt %2</source>
        <translation>退款 %1（小票 %2）</translation>
    </message>
    <message>
        <source>Refund slip</source>
        <translation>退貨單</translation>
    </message>
    <message>
        <source>No receipt printer is set up; this is what it would print.</source>
        <translation>還沒有設定小票印表機；以下是將要列印的內容。</translation>
    </message>
    <message>
        <source>Printing %1</source>
        <translation>正在列印 %1</translation>
    </message>
    <message>
        <source>Test page</source>
        <translation>測試頁</translation>
    </message>
    <message>
        <source>Opening the cash drawer</source>
        <translation>正在開啟錢箱</translation>
    </message>
    <message>
        <source>Sample item</source>
        <translation>示例商品</translation>
    </message>
    <message>
        <source>Who are you?</source>
        <translation>請選擇您的名字</translation>
    </message>
    <message>
        <source>Forgot PIN? (the owner, with the recovery code)</source>
        <translation>忘記 PIN？（老闆憑恢復碼重設）</translation>
    </message>
    <message>
        <source>Back office without opening a shift</source>
        <translation>不開班，直接進後臺</translation>
    </message>
    <message>
        <source>Hello, %1. No shift is open: count the drawer (Esc: not you?)</source>
        <translation>%1，您好。現在沒有進行中的班次：請清點錢箱（不是您？按 Esc 返回）</translation>
    </message>
    <message>
        <source>Opening float (cash in the drawer, yuan)</source>
        <translation>開班備用金（錢箱現金，元）</translation>
    </message>
    <message>
        <source>Open shift (Enter)</source>
        <translation>開班（回車）</translation>
    </message>
    <message>
        <source>The last shift left %1 in the drawer</source>
        <translation>上一班在錢箱裡留下 %1</translation>
    </message>
    <message>
        <source>No shift is open, so you cannot %1: money taken in or paid out is recorded in a shift.</source>
        <translation>沒有進行中的班次，不能%1：收付的錢都要記入班次。</translation>
    </message>
    <message>
        <source>Open a shift</source>
        <translation>開班</translation>
    </message>
    <message>
        <source>%1 Count the drawer and type the opening float to open one.</source>
        <translation>%1請清點錢箱，輸入備用金開班。</translation>
    </message>
    <message>
        <source>Choose your name first</source>
        <translation>請先選擇您的名字</translation>
    </message>
    <message>
        <source>Welcome to memberdesk: there is no shop here yet</source>
        <translation>歡迎使用會員收銀臺：還沒有店鋪資料</translation>
    </message>
    <message>
        <source>A chain's head office gives each till these three; a single shop keeps them.</source>
        <translation>連鎖店由總部給每臺收銀機分配這三項；單店保持預設即可。</translation>
    </message>
    <message>
        <source>Owner's name</source>
        <translation>老闆姓名</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>老闆</translation>
    </message>
    <message>
        <source>Owner's PIN (4–8 digits)</source>
        <translation>老闆 PIN 碼（4–8 位數字）</translation>
    </message>
    <message>
        <source>The PIN again</source>
        <translation>再輸一次 PIN</translation>
    </message>
    <message>
        <source>Create the shop</source>
        <translation>建立店鋪</translation>
    </message>
    <message>
        <source>Open the demo shop</source>
        <translation>開啟演示店</translation>
    </message>
    <message>
        <source>Back to the demo shop</source>
        <translation>回到演示店</translation>
    </message>
    <message>
        <source>The demo shop's PINs: owner 8888, manager 6666, cashier 1111.</source>
        <translation>演示店 PIN 碼：老闆 8888，店長 6666，收銀 1111。</translation>
    </message>
    <message>
        <source>Forgot PIN?</source>
        <translation>忘記 PIN？</translation>
    </message>
    <message>
        <source>The owner sets a new PIN with the recovery code written down when the shop was created (or shown when it was last used). Anyone else's PIN is reset by a manager or the owner on the staff page.</source>
        <translation>老闆可以用恢復碼設定新的 PIN：即開店時抄下的恢復碼（或上次使用恢復碼後顯示的新恢復碼）。其他員工的 PIN 由店長或老闆在員工頁面重設。</translation>
    </message>
    <message>
        <source>Who forgot the PIN</source>
        <translation>誰忘記了 PIN</translation>
    </message>
    <message>
        <source>Recovery code</source>
        <translation>恢復碼</translation>
    </message>
    <message>
        <source>New PIN (4–8 digits)</source>
        <translation>新 PIN（4–8 位數字）</translation>
    </message>
    <message>
        <source>Set the new PIN</source>
        <translation>設定新 PIN</translation>
    </message>
    <message>
        <source>I have written it down: log in</source>
        <translation>我已抄下，去登入</translation>
    </message>
    <message>
        <source>The two PINs differ: type the same PIN twice</source>
        <translation>兩次輸入的 PIN 不一致，請輸入同一個 PIN</translation>
    </message>
    <message>
        <source>The new PIN of %1 is set, and the recovery code just used no longer works. Here is the next one:</source>
        <translation>%1 的新 PIN 已設定，剛才使用的恢復碼已作廢。新的恢復碼是：</translation>
    </message>
    <message>
        <source>Chosen when the shop was created</source>
        <translation>開店時選擇</translation>
    </message>
    <message>
        <source>The shop is made: write down the owner's recovery code</source>
        <translation>店鋪已建好：請抄下老闆恢復碼</translation>
    </message>
    <message>
        <source>Building the demo shop…</source>
        <translation>正在建立演示店…</translation>
    </message>
    <message>
        <source>Building the demo shop</source>
        <translation>建立演示店</translation>
    </message>
    <message>
        <source>%1 (locked)</source>
        <translation>%1（已鎖定）</translation>
    </message>
    <message>
        <source>Gift</source>
        <translation>兌換禮品</translation>
    </message>
    <message>
        <source>Birthdays</source>
        <translation>生日關懷</translation>
    </message>
    <message>
        <source>After a large purchase</source>
        <translation>大額消費回訪</translation>
    </message>
    <message>
        <source>Visiting less</source>
        <translation>消費下降</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>數量</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>單價</translation>
    </message>
    <message>
        <source>Discount</source>
        <translation>優惠</translation>
    </message>
    <message>
        <source>Item (optional)</source>
        <translation>商品（可不填）</translation>
    </message>
    <message>
        <source>Price ¥</source>
        <translation>單價 ¥</translation>
    </message>
    <message>
        <source>Add (Enter)</source>
        <translation>新增（回車）</translation>
    </message>
    <message>
        <source>Change line / discount (Ctrl+E)</source>
        <translation>改行 / 折扣 (Ctrl+E)</translation>
    </message>
    <message>
        <source>Delete line (Del)</source>
        <translation>刪除行 (Del)</translation>
    </message>
    <message>
        <source>Whole-sale discount (Ctrl+D)</source>
        <translation>整單折扣 (Ctrl+D)</translation>
    </message>
    <message>
        <source>Take the coupon off (Ctrl+F6)</source>
        <translation>取下代金券（Ctrl+F6）</translation>
    </message>
    <message>
        <source>Type the price first</source>
        <translation>請先輸入單價</translation>
    </message>
    <message>
        <source>Goods</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Add a line first</source>
        <translation>請先新增商品</translation>
    </message>
    <message>
        <source>Subtotal %1</source>
        <translation>商品合計 %1</translation>
    </message>
    <message>
        <source>Total %1</source>
        <translation>應收 %1</translation>
    </message>
    <message>
        <source>Gift for points: %1</source>
        <translation>積分兌換禮品：%1</translation>
    </message>
    <message>
        <source>%1 points</source>
        <translation>%1 積分</translation>
    </message>
    <message>
        <source>Walk-in customer</source>
        <translation>散客</translation>
    </message>
    <message>
        <source>Bonus value</source>
        <translation>贈送餘額</translation>
    </message>
    <message>
        <source>Exchange points</source>
        <translation>積分兌券</translation>
    </message>
    <message>
        <source>%1 until %2</source>
        <translation>%1，有效期至 %2</translation>
    </message>
    <message>
        <source>Coupons (%1) · Shift+F6</source>
        <translation>代金券（%1）· Shift+F6</translation>
    </message>
    <message>
        <source>Member of %1 (%2)</source>
        <translation>%1（%2）會員</translation>
    </message>
    <message>
        <source>Member of store %1</source>
        <translation>%1 門店會員</translation>
    </message>
    <message>
        <source>of which %1 pts expire after %2</source>
        <translation>其中 %1 分 %2 到期</translation>
    </message>
    <message>
        <source>No purchase yet</source>
        <translation>尚未消費</translation>
    </message>
    <message>
        <source>No purchase at this store yet</source>
        <translation>本店尚未消費</translation>
    </message>
    <message>
        <source>Birthday this week: %1</source>
        <translation>本週生日：%1</translation>
    </message>
    <message>
        <source>Status: %1 — no purchases on this card</source>
        <translation>狀態：%1，此卡不能消費</translation>
    </message>
    <message>
        <source>Walk-in customers cannot use points</source>
        <translation>散客不能使用積分</translation>
    </message>
    <message>
        <source>Points cannot be redeemed this month</source>
        <translation>本月不能使用積分</translation>
    </message>
    <message>
        <source>This sale is too small to use points</source>
        <translation>本單金額太小，不能使用積分</translation>
    </message>
    <message>
        <source>Not enough points yet</source>
        <translation>積分不足</translation>
    </message>
    <message>
        <source>Not enough points for the minimum redemption</source>
        <translation>積分不夠最低使用數</translation>
    </message>
    <message>
        <source>Redeeming points is switched off</source>
        <translation>積分抵現已關閉</translation>
    </message>
    <message>
        <source>Redeem points (F5)</source>
        <translation>使用積分 (F5)</translation>
    </message>
    <message>
        <source>Gift (Shift+F5)</source>
        <translation>禮品 (Shift+F5)</translation>
    </message>
    <message>
        <source>Pay from stored value (F6)</source>
        <translation>儲值支付 (F6)</translation>
    </message>
    <message>
        <source>Use all</source>
        <translation>全額</translation>
    </message>
    <message>
        <source>Cash received (F10)</source>
        <translation>現金實收 (F10)</translation>
    </message>
    <message>
        <source>Complete sale (F12)</source>
        <translation>完成收款 (F12)</translation>
    </message>
    <message>
        <source>Payment code %1</source>
        <translation>付款碼 %1</translation>
    </message>
    <message>
        <source>Cannot complete: %1. Esc takes the member off the sale</source>
        <translation>不能結賬：%1。按 Esc 去掉會員</translation>
    </message>
    <message>
        <source>To pay %1</source>
        <translation>待付 %1</translation>
    </message>
    <message>
        <source>Up to %1 points (%2); from %3, in steps of %4; at most %5 of this sale</source>
        <translation>最多可用 %1 積分（抵 %2）；%3 起用，每 %4 分為一檔；本單最多抵 %5</translation>
    </message>
    <message>
        <source>Points pay %1. </source>
        <translation>積分抵扣 %1。</translation>
    </message>
    <message>
        <source>Balance %1 (stored %2 + bonus %3)</source>
        <translation>餘額 %1（本金 %2 + 贈送 %3）</translation>
    </message>
    <message>
        <source>Change %1</source>
        <translation>找零 %1</translation>
    </message>
    <message>
        <source>Points this sale: +%1</source>
        <translation>本單積分：+%1</translation>
    </message>
    <message>
        <source>Cash received %1</source>
        <translation>現金實收 %1</translation>
    </message>
    <message>
        <source>↑/↓ to choose, Enter to take, Esc to cancel</source>
        <translation>↑/↓ 選擇，回車確定，Esc 取消</translation>
    </message>
    <message>
        <source>Several members match</source>
        <translation>找到多位會員</translation>
    </message>
    <message>
        <source>Points needed</source>
        <translation>所需積分</translation>
    </message>
    <message>
        <source>In stock</source>
        <translation>庫存</translation>
    </message>
    <message>
        <source>For this member</source>
        <translation>本會員</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Can redeem</source>
        <translation>可兌換</translation>
    </message>
    <message>
        <source>Redeem points for a gift</source>
        <translation>積分兌換禮品</translation>
    </message>
    <message>
        <source>Scan goods or a card, or type a price / phone / last 4 digits / name, then Enter</source>
        <translation>掃商品或會員卡，或輸入價格 / 手機號 / 尾號4位 / 姓名，按回車</translation>
    </message>
    <message>
        <source>F1 help</source>
        <translation>F1 幫助</translation>
    </message>
    <message>
        <source>This help</source>
        <translation>本幫助</translation>
    </message>
    <message>
        <source>Search / scan box</source>
        <translation>搜尋 / 掃碼框</translation>
    </message>
    <message>
        <source>Type a price</source>
        <translation>輸入單價</translation>
    </message>
    <message>
        <source>A price typed in the box is ¥35.00; where 35 is an item's code, type 35. or ¥35</source>
        <translation>在掃碼框輸入 35 即按 ¥35.00 收款；若 35 是某商品的編碼，請輸入 35. 或 ¥35</translation>
    </message>
    <message>
        <source>The last four digits of a member's phone; where 5678 is also an item's code, a list asks which: Enter takes the item, ↓ a member</source>
        <translation>會員手機尾號；若 5678 也是商品編碼，會列出二者供選擇：回車選商品，↓ 選會員</translation>
    </message>
    <message>
        <source>Redeem points</source>
        <translation>使用積分</translation>
    </message>
    <message>
        <source>Pay from stored value</source>
        <translation>儲值支付</translation>
    </message>
    <message>
        <source>The member's coupons: ↑/↓ choose, Enter puts one on the sale</source>
        <translation>會員的代金券：↑/↓ 選擇，回車用於本單</translation>
    </message>
    <message>
        <source>Take the coupon off the sale</source>
        <translation>把代金券從本單取下</translation>
    </message>
    <message>
        <source>Hold this sale</source>
        <translation>掛單</translation>
    </message>
    <message>
        <source>Recall a held sale</source>
        <translation>取單</translation>
    </message>
    <message>
        <source>Top up stored value</source>
        <translation>儲值充值</translation>
    </message>
    <message>
        <source>Count cards: use a visit, sell, refund</source>
        <translation>次卡：使用一次、售卡、退卡</translation>
    </message>
    <message>
        <source>Cash received</source>
        <translation>現金實收</translation>
    </message>
    <message>
        <source>Member's history</source>
        <translation>會員記錄</translation>
    </message>
    <message>
        <source>Complete the sale</source>
        <translation>完成收款</translation>
    </message>
    <message>
        <source>Sales journal: any sale by its receipt</source>
        <translation>銷售記錄：按小票找任何一筆銷售</translation>
    </message>
    <message>
        <source>Clear the search box, then the member</source>
        <translation>清空搜尋框，再按取消會員</translation>
    </message>
    <message>
        <source>Into the lines: choose one; Del deletes it, Enter changes it, Esc goes back</source>
        <translation>進入商品行選擇：Del 刪除，回車修改，Esc 返回</translation>
    </message>
    <message>
        <source>Remove the chosen line</source>
        <translation>刪除所選商品行</translation>
    </message>
    <message>
        <source>Change the chosen line: quantity, price, discount</source>
        <translation>修改所選行：數量、單價、折扣</translation>
    </message>
    <message>
        <source>Void this sale</source>
        <translation>作廢本單</translation>
    </message>
    <message>
        <source>Discount on the whole sale</source>
        <translation>整單折扣</translation>
    </message>
    <message>
        <source>%1, no shift is open: count the drawer and type the opening float to start selling.</source>
        <translation>%1，現在沒有進行中的班次：請清點錢箱，輸入開班備用金後開始收銀。</translation>
    </message>
    <message>
        <source>Scan the goods first, then the coupon</source>
        <translation>請先掃商品，再掃代金券</translation>
    </message>
    <message>
        <source>Coupon %1: %2 off</source>
        <translation>代金券 %1：優惠 %2</translation>
    </message>
    <message>
        <source>The member has no coupons to use</source>
        <translation>該會員沒有可用的代金券</translation>
    </message>
    <message>
        <source>There is no coupon on the sale</source>
        <translation>本單沒有代金券</translation>
    </message>
    <message>
        <source>The coupon is off the sale</source>
        <translation>代金券已從本單取下</translation>
    </message>
    <message>
        <source>Coupon %1 issued: %2</source>
        <translation>已發放代金券 %1：%2</translation>
    </message>
    <message>
        <source>The sale %1 that %2 was ringing up when the program stopped is on hold: F8 takes it back</source>
        <translation>程式意外退出時%2正在收款的那一單（%1）已掛單：按 F8 取回</translation>
    </message>
    <message>
        <source>Done: %1 · total %2</source>
        <translation>已完成：%1 · 合計 %2</translation>
    </message>
    <message>
        <source> · cash received %1 · change %2</source>
        <translation> · 現金實收 %1 · 找零 %2</translation>
    </message>
    <message>
        <source> · gift for spend %1 (none left)</source>
        <translation> · 滿額贈品 %1（已送完）</translation>
    </message>
    <message>
        <source> · gift for spend %1</source>
        <translation> · 滿額贈品 %1</translation>
    </message>
    <message>
        <source>Not printed: %1. The sale is saved; reprint it from the sales journal (Shift+F11)</source>
        <translation>未列印：%1。小票已儲存，可在銷售記錄（Shift+F11）中重印</translation>
    </message>
    <message>
        <source>Nothing is left to pay</source>
        <translation>已無待付金額</translation>
    </message>
    <message>
        <source>%1 payment code %2 · %3</source>
        <translation>%1付款碼 %2 · %3</translation>
    </message>
    <message>
        <source> · take %1 (%2)</source>
        <translation> · 收款 %1（%2）</translation>
    </message>
    <message>
        <source> · give back %1 (%2)</source>
        <translation> · 退款 %1（%2）</translation>
    </message>
    <message>
        <source>Shift opened</source>
        <translation>已開班</translation>
    </message>
    <message>
        <source> · gift %1 for %2 points</source>
        <translation> · 禮品 %1（%2 積分）</translation>
    </message>
    <message>
        <source> · points +%1, now %2</source>
        <translation> · 積分 +%1，現有 %2</translation>
    </message>
    <message>
        <source>Sale put aside (%1 on hold); F8 brings it back</source>
        <translation>已掛單（共 %1 筆），按 F8 取回</translation>
    </message>
    <message>
        <source>No sale is on hold</source>
        <translation>沒有掛起的單</translation>
    </message>
    <message>
        <source>Held at</source>
        <translation>掛單時間</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>行數</translation>
    </message>
    <message>
        <source>Held sales</source>
        <translation>掛起的單</translation>
    </message>
    <message>
        <source>Remove it</source>
        <translation>刪除它</translation>
    </message>
    <message>
        <source>Keep it</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>The held sale was removed</source>
        <translation>掛單已刪除</translation>
    </message>
    <message>
        <source>Held sale taken back (put aside by %1)</source>
        <translation>已取回掛單（%1 掛的單）</translation>
    </message>
    <message>
        <source>; the sale that was on screen is on hold now</source>
        <translation>；原來螢幕上的銷售已掛單</translation>
    </message>
    <message>
        <source>%1 discount(s) must be approved again: the one who approved is no longer a manager</source>
        <translation>%1 個折扣需要重新批准：原批准人已不是店長</translation>
    </message>
    <message>
        <source>Scan the member's card first</source>
        <translation>請先掃會員卡</translation>
    </message>
    <message>
        <source>Topped up %1 + bonus %2 · stored value now %3 + %4</source>
        <translation>已充值 %1，贈送 %2 · 現有本金 %3，贈送 %4</translation>
    </message>
    <message>
        <source>Top-up slip</source>
        <translation>充值單</translation>
    </message>
    <message>
        <source>The loyalty program has no gifts to redeem</source>
        <translation>會員方案裡沒有可兌換的禮品</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Keyboard shortcuts (any key closes this)</source>
        <translation>快捷鍵（按任意鍵關閉）</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>確定</translation>
    </message>
    <message>
        <source>Member tier: %1</source>
        <translation>會員等級：%1</translation>
    </message>
    <message>
        <source>Now: %1</source>
        <translation>現在：%1</translation>
    </message>
    <message>
        <source>Lock the tier</source>
        <translation>鎖定等級</translation>
    </message>
    <message>
        <source>A locked tier is not raised by sales nor changed at the review</source>
        <translation>鎖定後，消費不會升級，定期評級也不會改變</translation>
    </message>
    <message>
        <source>Tier %1 for %2</source>
        <translation>%2 改為 %1</translation>
    </message>
    <message>
        <source>Cash out stored value: %1</source>
        <translation>儲值退現：%1</translation>
    </message>
    <message>
        <source>Stored %1 can be paid back in cash; the bonus %2 is not paid out, and the part given with the principal paid back lapses.</source>
        <translation>儲值本金 %1 可退現金；贈送金額 %2 不退現，且隨退回的本金按比例作廢。</translation>
    </message>
    <message>
        <source>Cash paid back (yuan)</source>
        <translation>退現金額（元）</translation>
    </message>
    <message>
        <source>Pay out</source>
        <translation>確認退現</translation>
    </message>
    <message>
        <source>Pay %1 of stored value back in cash to %2</source>
        <translation>退還儲值現金 %1 給 %2</translation>
    </message>
    <message>
        <source>; bonus %1 lapses</source>
        <translation>；贈送金額 %1 作廢</translation>
    </message>
    <message>
        <source>Reverse top-up %1</source>
        <translation>撤銷充值 %1</translation>
    </message>
    <message>
        <source>Top-up of %1 + bonus %2 on %3, %4: both come off the card and the money goes back the way it was paid.</source>
        <translation>%4 於 %3 充值 %1，贈送 %2：本金和贈送都從卡上扣回，錢按原付款方式退回。</translation>
    </message>
    <message>
        <source>Reverse top-up</source>
        <translation>確認撤銷</translation>
    </message>
    <message>
        <source>Reverse top-up %1: %2 back to %3</source>
        <translation>撤銷充值 %1：退回 %2 給 %3</translation>
    </message>
    <message>
        <source>%1 · bonus %2</source>
        <translation>%1 · 贈送 %2</translation>
    </message>
    <message>
        <source>%1 · %2 (%3) · %4</source>
        <translation>%1 · %2（%3）· %4</translation>
    </message>
    <message>
        <source>Print the member card</source>
        <translation>列印會員卡</translation>
    </message>
    <message>
        <source>Print the card of %1, card number %2, again?</source>
        <translation>為 %1 重新列印會員卡（卡號 %2）？</translation>
    </message>
    <message>
        <source>New card for %1, card number %2. Print the new card now?</source>
        <translation>已為 %1 補卡，新卡號 %2。現在列印新卡嗎？</translation>
    </message>
    <message>
        <source>Card issued: %1, card number %2. Print the card now?</source>
        <translation>已為 %1 開卡，卡號 %2。現在列印會員卡嗎？</translation>
    </message>
    <message>
        <source>Card printer: one card (85.6 × 54 mm)</source>
        <translation>制卡機：一張卡（85.6 × 54 毫米）</translation>
    </message>
    <message>
        <source>A4 sheet to cut out</source>
        <translation>A4 紙，列印後裁切</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>暫不列印</translation>
    </message>
    <message>
        <source>Print the card…</source>
        <translation>列印會員卡…</translation>
    </message>
    <message>
        <source>Member card %1.pdf</source>
        <translation>會員卡 %1.pdf</translation>
    </message>
    <message>
        <source>Member card</source>
        <translation>會員卡</translation>
    </message>
    <message>
        <source>Member card PDF</source>
        <translation>會員卡 PDF</translation>
    </message>
    <message>
        <source>Manager's approval</source>
        <translation>店長批准</translation>
    </message>
    <message>
        <source>Discount %1 · from %2 to %3</source>
        <translation>優惠 %1 · 從 %2 到 %3</translation>
    </message>
    <message>
        <source>Who approves it?</source>
        <translation>由誰批准？</translation>
    </message>
    <message>
        <source>Choose who approves</source>
        <translation>選擇批准人</translation>
    </message>
    <message>
        <source>Share paid, in tenths (e.g. 9 or 95)</source>
        <translation>打折（如 9 折、95 折）</translation>
    </message>
    <message>
        <source>Percent off</source>
        <translation>減百分比</translation>
    </message>
    <message>
        <source>Amount off ¥</source>
        <translation>減金額 ¥</translation>
    </message>
    <message>
        <source>Change line %1</source>
        <translation>修改第 %1 行</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>數量</translation>
    </message>
    <message>
        <source>Unit price ¥</source>
        <translation>單價 ¥</translation>
    </message>
    <message>
        <source>List price %1: a new price is a price change</source>
        <translation>原價 %1：改單價即為改價</translation>
    </message>
    <message>
        <source>No discount</source>
        <translation>不打折</translation>
    </message>
    <message>
        <source>Discount value</source>
        <translation>折扣數值</translation>
    </message>
    <message>
        <source>Whole-sale discount</source>
        <translation>整單折扣</translation>
    </message>
    <message>
        <source>It replaces the member's discount on the lines it covers; no-discount items and lines with their own discount keep theirs.</source>
        <translation>整單折扣取代所涉商品的會員折扣；不打折商品和已有單品折扣的行保持不變。</translation>
    </message>
    <message>
        <source>No whole-sale discount</source>
        <translation>取消整單折扣</translation>
    </message>
    <message>
        <source>What each role may give at the till without approval: a percent discount down to this share of the price, and at most this much off in one discount (an amount off or a price change). Over it, a manager or the owner approves with their PIN; the owner has no limit. A no-discount item always needs a manager.</source>
        <translation>各角色在收銀臺無需批准即可給出的折扣：最低打到這個折扣，單次最多優惠這麼多（減金額或改價）。超出時需店長或老闆輸入 PIN 批准；老闆不受限制。不打折商品打折總是需要店長批准。</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>店長</translation>
    </message>
    <message>
        <source>e.g. 9 (empty: no percent discount)</source>
        <translation>例如 9（空著：不能按折扣打折）</translation>
    </message>
    <message>
        <source>%1: lowest share paid, in tenths</source>
        <translation>%1：最低折扣（折）</translation>
    </message>
    <message>
        <source>%1: most off at once ¥</source>
        <translation>%1：單次最多優惠 ¥</translation>
    </message>
    <message>
        <source>Save the limits</source>
        <translation>保存摺扣權限</translation>
    </message>
    <message>
        <source>Only the owner may change the limits.</source>
        <translation>只有老闆可以修改折扣權限。</translation>
    </message>
    <message>
        <source>Discount limits saved</source>
        <translation>折扣權限已儲存</translation>
    </message>
    <message>
        <source>Choose the item</source>
        <translation>選擇商品</translation>
    </message>
    <message>
        <source>Item code / card</source>
        <translation>編碼/卡號</translation>
    </message>
    <message>
        <source>Item or member</source>
        <translation>商品/會員</translation>
    </message>
    <message>
        <source>Item / member name</source>
        <translation>名稱/姓名</translation>
    </message>
    <message>
        <source>%1 is an item's code and the end of members' phones: which is meant?</source>
        <translation>%1 既是商品編碼，也是會員手機尾號：請選擇要哪一個</translation>
    </message>
    <message>
        <source>No end</source>
        <translation>不限期</translation>
    </message>
    <message>
        <source>Count cards: %1</source>
        <translation>次卡：%1</translation>
    </message>
    <message>
        <source>Covers</source>
        <translation>適用</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>有效期至</translation>
    </message>
    <message>
        <source>Sell a card…</source>
        <translation>售卡…</translation>
    </message>
    <message>
        <source>Refund unused visits…</source>
        <translation>退回未用次數…</translation>
    </message>
    <message>
        <source>Use one visit</source>
        <translation>使用一次</translation>
    </message>
    <message>
        <source>No count card with visits left: sell one with “Sell a card…”</source>
        <translation>沒有剩餘次數的次卡：可用“售卡…”辦卡</translation>
    </message>
    <message>
        <source>%1 confirms using one visit of %2 (%3 left after)</source>
        <translation>%1 確認使用 %2 一次（用後剩餘 %3 次）</translation>
    </message>
    <message>
        <source>Refund %1 unused visits of %2: %3 back</source>
        <translation>退回 %2 未用的 %1 次：退款 %3</translation>
    </message>
    <message>
        <source>Sell a count card to %1</source>
        <translation>為 %1 辦次卡</translation>
    </message>
    <message>
        <source>Card name</source>
        <translation>次卡名稱</translation>
    </message>
    <message>
        <source>e.g. 10 haircuts</source>
        <translation>例如：剪髮十次卡</translation>
    </message>
    <message>
        <source>Item code (or leave empty)</source>
        <translation>商品編碼（或留空）</translation>
    </message>
    <message>
        <source>Or a whole category</source>
        <translation>或整個分類</translation>
    </message>
    <message>
        <source>Price (yuan)</source>
        <translation>售價（元）</translation>
    </message>
    <message>
        <source>Valid for days (0: no end)</source>
        <translation>有效天數（0 為不限期）</translation>
    </message>
    <message>
        <source>A member's count card is a registered prepaid card, which the rules on single-purpose prepaid cards (art. 19) allow no end date (0). Days given make the visits not used by then lapse.</source>
        <translation>會員的次卡是記名預付卡：依《單用途商業預付卡管理辦法》第十九條，記名卡不得設有效期（填 0）。填了天數，到期未用的次數作廢。</translation>
    </message>
    <message>
        <source>Confirm sale</source>
        <translation>確認售卡</translation>
    </message>
    <message>
        <source>Coupon type</source>
        <translation>券種</translation>
    </message>
    <message>
        <source>Members (cards or phones, comma-separated)</source>
        <translation>會員（卡號或手機號，逗號分隔）</translation>
    </message>
    <message>
        <source>Coupons for the bearer</source>
        <translation>不記名券張數</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>活動</translation>
    </message>
    <message>
        <source>Issue coupons</source>
        <translation>發放代金券</translation>
    </message>
    <message>
        <source>Campaigns</source>
        <translation>活動</translation>
    </message>
    <message>
        <source>Coupon</source>
        <translation>代金券</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>已發放</translation>
    </message>
    <message>
        <source>Redeemed</source>
        <translation>已使用</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>已過期</translation>
    </message>
    <message>
        <source>Not used</source>
        <translation>未使用</translation>
    </message>
    <message>
        <source>Taken off</source>
        <translation>優惠金額</translation>
    </message>
    <message>
        <source>Spend brought back</source>
        <translation>帶回消費</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>None yet: add coupon types in Back office → Loyalty program (Coupon types)</source>
        <translation>還沒有券種：請先在 後臺 → 會員方案 的“優惠券種類”裡新增</translation>
    </message>
    <message>
        <source>The loyalty program has no coupon types yet</source>
        <translation>會員方案中還沒有代金券型別</translation>
    </message>
    <message>
        <source>%1 coupons issued</source>
        <translation>已發放 %1 張代金券</translation>
    </message>
    <message>
        <source>Asking head office for the member</source>
        <translation>正在向總部查詢會員</translation>
    </message>
    <message>
        <source>Asking head office about the coupon</source>
        <translation>正在向總部查詢代金券</translation>
    </message>
    <message>
        <source>Asking head office about the card</source>
        <translation>正在向總部核對會員卡</translation>
    </message>
    <message>
        <source>The owner's recovery code. Write it down now and keep it away from the till (at home, with the shop's papers): it is shown only now. If %1 forgets the PIN, this code sets a new one (“Forgot PIN?” on the log-in screen, or memberdesk staff recover-owner %1); nobody else can. Each code works once: the next one is shown then.</source>
        <translation>這是老闆恢復碼。請立即抄下，並遠離收銀臺保管（放在家裡或店裡的重要檔案中）：它只顯示這一次。%1 忘記 PIN 時，可以用它重設 PIN（登入介面的“忘記 PIN？”，或 memberdesk staff recover-owner %1），其他人都不能重設。每個恢復碼只能用一次，用後會顯示新的恢復碼。</translation>
    </message>
    <message>
        <source>The staff list was changed outside memberdesk</source>
        <translation>員工名單已在本軟體之外被改動</translation>
    </message>
    <message>
        <source>This is not a new shop: its records say who its staff were, so nobody is set up as its first owner here. Until the staff list is put back nobody can log in.</source>
        <translation>這不是新店：店裡的記錄載有原有的員工，所以這裡不能設定第一位老闆。員工名單恢復之前，誰都無法登入。</translation>
    </message>
    <message>
        <source>Restore a backup…</source>
        <translation>恢復備份…</translation>
    </message>
    <message>
        <source>Erase personal information</source>
        <translation>清除個人資訊</translation>
    </message>
    <message>
        <source>Erase the personal information of %1 (card %2)?

Goes for good: the name, phone, birthday, gender, notes, marketing consent and the notes of follow-up calls. The member is no longer found by name or phone.

Stays: the card number, the sales, refunds, points and stored-value history, which are accounting records the law requires the shop to keep.</source>
        <translation>清除 %1（卡號 %2）的個人資訊？

將永久清除：姓名、手機號、生日、性別、備註、營銷許可，以及回訪記錄中的備註。此後按姓名或手機號都查不到該會員。

將保留：卡號，以及消費、退貨、積分和儲值記錄——這些是法律要求商家儲存的賬務記錄。</translation>
    </message>
    <message>
        <source>Erase the personal information of %1</source>
        <translation>清除會員 %1 的個人資訊</translation>
    </message>
</context>
</TS>